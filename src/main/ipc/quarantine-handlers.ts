import { RxError } from '../../shared/errors/error-codes';
import type { quarantineChannels } from '../../shared/ipc/quarantine-channels';
import { isSuspect } from '../../shared/quarantine/plain';
import { investigationSteps, recordInvestigationStep } from '../quarantine/investigation';
import { investigationState } from '../quarantine/summary';
import type { Workstation } from '../workstation';
import type { Handler } from './dispatch';

function view(ws: Workstation, id: number) {
  const item = ws.quarantine.get(id);
  if (!item) throw new RxError('NOT_FOUND', `quarantine item #${id} does not exist`);
  const suspect = isSuspect(item.reasons);
  return {
    quarantine_id: id,
    suspect,
    state: suspect ? investigationState(ws, id) : ('none' as const),
    // Public key and signature stay in the database and the CLI's JSON: the screen shows the §11.50 facts.
    steps: investigationSteps(ws, id).map(({ public_key: _k, signature: _s, quarantine_id: _q, ...s }) => s),
  };
}

export const quarantineHandlers: { [C in keyof typeof quarantineChannels]: Handler<C> } = {
  'quarantine.investigation': (input, { ws }) => view(ws, input.id),
  'quarantine.investigate': (input, { ws, session }) => {
    recordInvestigationStep(ws, input.id, {
      step: input.step,
      note: input.note,
      fda3911Date: input.fda3911Date ?? null,
      partnerNoticeDate: input.partnerNoticeDate ?? null,
      signer: { userId: input.userId, password: input.password },
      sessionUserId: session!.user.user_id,
    });
    return view(ws, input.id);
  },
};
