import { RxError } from '../../shared/errors/error-codes';
import type { inventoryChannels } from '../../shared/ipc/inventory-channels';
import { ndc11Of } from '../../shared/counts';
import { blindScopeFor, isHidden } from '../counts/blind-scope';
import { recordInitialInventory } from '../inventory/initial';
import { stockCard } from '../inventory/stock-card';
import type { Handler } from './dispatch';

export const inventoryHandlers: { [C in keyof typeof inventoryChannels]: Handler<C> } = {
  'inventory.stockCard': (input, { ws, session }) => {
    const known = ws.db.prepare('SELECT 1 FROM ledger_entries WHERE ndc = ? LIMIT 1');
    const r = ndc11Of(input.ndc, (n) => !!known.get(n));
    if (!r.ok) throw new RxError('BAD_INPUT', `ndc: ${r.message}`);
    const card = stockCard(ws.db, ws.facilityId, r.ndc, input.lot);
    if (!card.movements.length) throw new RxError('NOT_FOUND', `Nothing was ever recorded for ${r.ndc}${input.lot ? ` lot ${input.lot}` : ''} here.`);
    const scope = blindScopeFor(ws, session?.user.user_id);
    if (!isHidden(scope, ws.facilityId, r.ndc)) return { ...card, hidden: null };
    // A blind counter sees what happened and when, never how many.
    return {
      ...card,
      on_hand: null,
      movements: card.movements.map((m) => ({ ...m, delta: null, quantity: null, balance: null, document: m.type === 'COUNT' ? 'count' : m.document })),
      hidden: scope!.note,
    };
  },
  'inventory.initial': (input, { ws, session }) => {
    const r = recordInitialInventory(ws, { ...input, source: 'ui', session });
    return { inventory_date: r.inventory_date, taken: r.taken, entries: r.entries };
  },
};
