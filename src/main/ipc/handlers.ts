import { parseNdc } from '../../shared/identifiers';
import { type SessionView } from '../../shared/ipc/contract';
import { RxError } from '../../shared/errors/error-codes';
import type { LedgerEntryView } from '../../shared/schemas/ledger-entry';
import type { Session } from '../auth/sessions';
import { UserError } from '../auth/users';
import type { Workstation } from '../workstation';
import type { Handler } from './dispatch';
import type { coreChannels } from '../../shared/ipc/contract';
import { blindScopeFor, hideBlindEntries, hideBlindStock } from '../counts/blind-scope';
import { CatalogStore } from '../catalog/store';
import { countActiveHolds } from '../holds';
import { listLedger } from '../ledger/query';
import { listStock } from '../ledger/stock-query';
import { runVerifyInWorker } from '../ledger/verify-worker-client';
import { syncStatus } from '../sync/status';
import { localDate } from '../../shared/reports/period';
import { PackageUnitsLookup } from '../catalog/package-units';
import { unitsOfEntry, type UnitsOf } from '../ledger/legacy-basis';
import { signingTimeZone } from '../holds/signatures';

const view = (ws: Workstation, s: Session): SessionView => ({
  userId: s.user.user_id,
  name: s.user.name,
  role: s.user.role,
  mustChangePassword: s.user.must_change_password,
  idleTimeoutSeconds: Math.round(ws.sessions.idleMs / 1000),
});

/**
 * An NDC typed in any written form, for the stock and ledger filters: with hyphens in any
 * layout (the 10-digit form printed on the label), 11 or 12 digits, or a hyphenless 10-digit
 * NDC when exactly one of its layouts is in the catalog or in stock.
 */
function parseNdcFilter(ws: Workstation, text: string) {
  const catalog = new CatalogStore(ws.db);
  const inStock = ws.db.prepare<[string], { one: number }>('SELECT 1 AS one FROM stock WHERE ndc = ? LIMIT 1');
  return parseNdc(text, { isKnown: (n) => catalog.isKnownNdc(n) || inStock.get(n) !== undefined });
}

/** The Ledger filter's NDC in the ledger's 11-digit form; a malformed one is BAD_INPUT, never an empty page. */
function ledgerNdcFilter(ws: Workstation, ndc: string | undefined): string | undefined {
  if (ndc === undefined || ndc.trim() === '') return undefined;
  const r = parseNdcFilter(ws, ndc);
  if (!r.ok) throw new RxError('BAD_INPUT', `ndc: ${r.error}`);
  return r.ndc11 ?? r.ndc12;
}

/** A stock search that is a whole NDC in a 10-digit layout matches by its 11-digit form; anything else is searched as typed. */
function stockSearchTerm(ws: Workstation, search: string | undefined): string | undefined {
  const t = search?.trim();
  if (!t || !/^(ndc[\s:#]*)?[\d\s-]+$/i.test(t)) return search;
  const r = parseNdcFilter(ws, t);
  return r.ok && r.ndc11 ? r.ndc11 : search;
}


/** A ledger entry as the screen shows it: quantity and delta in dosage units with their unit. */
function inDosageUnits(e: LedgerEntryView, unitsOf: UnitsOf): LedgerEntryView & { unit: string | null; units_per_container: number | null; units_note: string | null } {
  const u = unitsOfEntry(e, unitsOf);
  const note = u.legacy
    ? u.unresolved
      ? `recorded as ${e.quantity} container(s) by version 0.1; the package size is unknown`
      : `recorded as ${e.quantity} container(s) by version 0.1; shown in units`
    : null;
  return { ...e, quantity: u.quantity, delta: u.delta, unit: u.unit, units_per_container: u.units_per_container, units_note: note };
}

export const coreHandlers: { [C in keyof typeof coreChannels]: Handler<C> } = {
  'app.info': (_i, { ws, host }) => ({
    mode: host.mode,
    version: '0.1.0',
    facilityId: ws.facilityId,
    facilityName: ws.setting('facility_name'),
    deviceId: ws.deviceId,
    timeZone: ws.timeZone(),
    testHooks: host.testHooks,
  }),
  'auth.session': (_i, { ws, ctx }) => {
    const { session, endedBecause } = ws.sessions.get(ctx.sessionId);
    return { session: session ? view(ws, session) : null, endedBecause };
  },
  'auth.signIn': (input, { ws, ctx }) => {
    const res = ws.users.authenticate(input.userId, input.password);
    if (!res.ok) throw new RxError(res.code, res.message);
    if (ctx.sessionId) ws.sessions.end(ctx.sessionId, 'replaced');
    const s = ws.sessions.start(res.user);
    ctx.setSessionId(s.id);
    return { session: view(ws, s) };
  },
  'auth.changePassword': (input, { ws, session }) => {
    try {
      const res = ws.users.changePassword(session!.user.user_id, input.current, input.next);
      if (!res.ok) throw new RxError(res.code, res.message);
      session!.user = res.user;
      return { session: view(ws, session!) };
    } catch (err) {
      if (err instanceof UserError) throw new RxError(err.code === 'WEAK_PASSWORD' ? 'WEAK_PASSWORD' : 'BAD_INPUT', err.message);
      throw err;
    }
  },
  'auth.signOut': (_i, { ws, ctx }) => {
    if (ctx.sessionId) ws.sessions.end(ctx.sessionId, 'signed-out');
    ctx.setSessionId(null);
    return { ok: true as const };
  },
  'auth.activity': (_i, { ws, ctx }) => {
    if (ctx.sessionId) ws.sessions.touch(ctx.sessionId);
    return { ok: true as const };
  },
  'status.get': (_i, { ws, session }) => ({
    user: session ? view(ws, session) : null,
    facilityId: ws.facilityId,
    facilityName: ws.setting('facility_name'),
    sync: syncStatus(ws),
    activeHolds: countActiveHolds(ws.db, ws.facilityId),
    quarantineOpen: ws.quarantine.openCount(),
    now: ws.clock.now().toISOString(),
  }),
  // Blind counts: rows of NDCs the caller is counting blind lose their quantities (src/main/counts/blind-scope.ts).
  'stock.list': (input, { ws, session }) => hideBlindStock(blindScopeFor(ws, session?.user.user_id), listStock(ws.db, { ...input, search: stockSearchTerm(ws, input.search), today: localDate(ws.clock.now(), signingTimeZone(ws)) })),
  'ledger.list': (input, { ws, session }) => {
    const units = new PackageUnitsLookup(ws.db);
    const entries = listLedger(ws.db, { ...input, ndc: ledgerNdcFilter(ws, input.ndc) }).map((e) => inDosageUnits(e, (n) => units.of(n)));
    const head = ws.ledger.head();
    return { entries: hideBlindEntries(blindScopeFor(ws, session?.user.user_id), entries), head: { device_id: ws.deviceId, seq: head.seq, hash: head.hash } };
  },
  'ledger.verify': async (_i, { ws, session }) => {
    const started = Date.now();
    const report = await runVerifyInWorker(ws);
    ws.audit.record({
      actor: session!.user.user_id,
      action: 'LEDGER_VERIFIED',
      details: { ok: report.ok, checked: report.checked, failure: report.failure },
    });
    return {
      ok: report.ok,
      checked: report.checked,
      failure: report.failure,
      stockMismatches: report.stockMismatches,
      heads: report.devices.map((d) => ({ device_id: d.device_id, head_seq: d.head_seq, head_hash: d.head_hash })),
      durationMs: Date.now() - started,
    };
  },
};
