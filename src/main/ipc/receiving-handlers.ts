import { previewShipment, readShipmentFile } from '../receiving/shipment-file';
import { RxError } from '../../shared/errors/error-codes';
import type { receivingChannels } from '../../shared/ipc/receiving-channels';
import { manualPoToShipment } from '../../shared/receiving/manual';
import type { RouteResult } from '../scanners';
import type { Handler } from './dispatch';

const scanReply = (r: RouteResult) => ({ status: r.status, message: r.status === 'unrouted' ? r.message : null });

export const receivingHandlers: { [C in keyof typeof receivingChannels]: Handler<C> } = {
  'receiving.list': (input, { ws }) => {
    const svc = ws.scanIntake.receiving;
    return { sessions: svc.list(input.includeClosed), activeId: svc.activeSessionId };
  },
  'receiving.get': (input, { ws }) => ws.scanIntake.receiving.view(input.sessionId),
  'receiving.start': async (input, { ws, session }) => {
    const svc = ws.scanIntake.receiving;
    let parsed;
    let raw: Buffer;
    if (input.from === 'manual') {
      parsed = manualPoToShipment(input.po, { isKnownNdc: (n) => svc.catalog.isKnownNdc(n) });
      raw = Buffer.from(JSON.stringify(input.po), 'utf8');
    } else {
      parsed = { ok: true as const, shipment: await readShipmentFile(input.fileName, input.text) };
      raw = Buffer.from(input.text, 'utf8');
    }
    if (!parsed.ok) throw new RxError('BAD_INPUT', `Cannot start receiving from ${input.from === 'manual' ? 'this order' : input.fileName}: ${parsed.error}`);
    const id = svc.startSession(parsed.shipment, raw, session!.user.user_id);
    return svc.view(id);
  },
  'receiving.keyed': async (input, { ws, session }) => scanReply(await ws.scanIntake.receiving.keyed(input, session!.user.user_id)),
  'receiving.removeScan': (input, { ws, session }) => ({ removed: ws.scanIntake.receiving.removeScan(input.sessionId, input.scanId, input.reason, session!.user.user_id) }),
  'receiving.preview': async (input, { ws }) => {
    const svc = ws.scanIntake.receiving;
    return previewShipment(await readShipmentFile(input.fileName, input.text), svc.catalog, ws.clock.now().toISOString().slice(0, 10), svc.shortDatedDays);
  },
  'receiving.activate': (input, { ws }) => ({ activeId: ws.scanIntake.receiving.activate(input.sessionId) }),
  'receiving.updateHeader': (input, { ws, session }) => {
    const svc = ws.scanIntake.receiving;
    svc.updateHeader(
      input.sessionId,
      {
        ...(input.supplier ? { supplier: input.supplier } : {}),
        ...(input.orderForm !== undefined ? { orderForm: input.orderForm } : {}),
        ...(input.poNumber !== undefined ? { poNumber: input.poNumber } : {}),
      },
      session!.user.user_id,
    );
    return svc.view(input.sessionId);
  },
  'receiving.waitForScans': (input, { ws }) => ws.scanIntake.receiving.waitForScans(input.after, input.timeoutMs),
  'receiving.wedgeScan': async (input, { ws }) =>
    scanReply(await ws.scanIntake.receiving.router.submit({ raw: input.raw, scannerId: input.scannerId ?? 'keyboard-wedge', symbologyId: input.symbologyId ?? null, source: 'wedge' })),
  'receiving.commit': (input, { ws, session }) => {
    const svc = ws.scanIntake.receiving;
    const d = input.decisions;
    const { alreadyCommitted } = svc.commit(input.sessionId, session!.user.user_id, d ? { signer: { userId: d.userId, password: d.password }, lines: d.lines } : null);
    return { session: svc.view(input.sessionId), alreadyCommitted };
  },
  'receiving.review': (input, { ws, session }) => ws.scanIntake.receiving.review(input.sessionId, session!.user.user_id),
  'receiving.setLineUnits': (input, { ws, session }) => {
    const svc = ws.scanIntake.receiving;
    svc.setLineUnits(input.sessionId, input.lineId, input.unitsPerContainer, input.unit, session!.user.user_id);
    return svc.view(input.sessionId);
  },
  'receiving.cancel': (input, { ws, session }) => {
    const svc = ws.scanIntake.receiving;
    svc.cancel(input.sessionId, session!.user.user_id, input.reason);
    return svc.view(input.sessionId);
  },
  'receiving.setPolicy': (input, { ws, session }) => ({ shortDatedDays: ws.scanIntake.receiving.setShortDatedDays(input.shortDatedDays, session!.user.user_id) }),
  'receiving.scanners': (_i, { ws }) => ws.scanIntake.receiving.scannerStatus(),
  'test.scan': async (input, { ws, host }) => {
    if (!host.testHooks) throw new RxError('FORBIDDEN', 'test.scan exists only in browser mode started with --test-hooks.');
    return scanReply(await ws.scanIntake.receiving.router.submit({ raw: input.raw, scannerId: input.scannerId ?? 'test-hook', symbologyId: input.symbologyId ?? null, source: 'test' }));
  },
};
