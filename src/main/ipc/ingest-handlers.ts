import { randomUUID } from 'node:crypto';
import { RxError } from '../../shared/errors/error-codes';
import type { ingestChannels } from '../../shared/ipc/ingest-channels';
import { computeAlerts, writeThresholds } from '../alerts/alerts';
import { ingestEvent } from '../ingest/gate';
import { sha256Hex } from '../ledger/hash';
import { hexDump, QuarantineDecisionError, rejectQuarantined, replayQuarantined } from '../quarantine/decide';
import { summarize } from '../quarantine/summary';
import type { Handler } from './dispatch';

const RAW_VIEW_LIMIT = 256 * 1024;

function decisionError(err: unknown): never {
  if (err instanceof QuarantineDecisionError) {
    throw new RxError(err.code === 'REFUSED' ? 'CONFLICT' : err.code, err.message);
  }
  throw err;
}

export const ingestHandlers: { [C in keyof typeof ingestChannels]: Handler<C> } = {
  'quarantine.list': (input, { ws }) => ({
    items: ws.quarantine
      .list(input.status ? { status: input.status } : {})
      .reverse()
      .map((item) => ({ ...item, summary: summarize(ws, item) })),
    open: ws.quarantine.openCount(),
  }),
  'quarantine.get': (input, { ws }) => {
    const item = ws.quarantine.get(input.id);
    if (!item) throw new RxError('NOT_FOUND', `quarantine item #${input.id} does not exist`);
    const raw = ws.quarantine.raw(input.id);
    let view = null;
    if (raw) {
      const shown = raw.subarray(0, RAW_VIEW_LIMIT);
      const text = shown.toString('utf8');
      view = {
        bytes: raw.length,
        text,
        hex: hexDump(shown, RAW_VIEW_LIMIT),
        truncated: raw.length > RAW_VIEW_LIMIT,
        validUtf8: Buffer.from(text, 'utf8').equals(shown),
      };
    }
    return {
      item: { ...item, summary: summarize(ws, item) },
      decisions: ws.quarantine.decisions(input.id).map((d) => ({ id: d.id, decision: d.decision, decided_by: d.decided_by, decided_at: d.decided_at, reason: d.reason, entry_ref: d.entry_ref })),
      raw: view,
    };
  },
  'quarantine.replay': (input, { ws, session }) => {
    try {
      return replayQuarantined(ws, input.id, { actor: session!.user.user_id, fixedText: input.fixedText, ...(input.note ? { note: input.note } : {}) });
    } catch (err) {
      return decisionError(err);
    }
  },
  'quarantine.reject': (input, { ws, session }) => {
    try {
      return rejectQuarantined(ws, input.id, { actor: session!.user.user_id, reason: input.reason });
    } catch (err) {
      return decisionError(err);
    }
  },
  'phi.read': (input, { ws, session }) => {
    const vault = ws.phi;
    let ref = input.ref;
    if (input.quarantineId !== undefined) {
      const item = ws.quarantine.get(input.quarantineId);
      if (!item) throw new RxError('NOT_FOUND', `quarantine item #${input.quarantineId} does not exist`);
      if (!item.raw_ref?.startsWith('phi:')) throw new RxError('NOT_FOUND', `quarantine item #${input.quarantineId} holds no encrypted original`);
      ref = item.raw_ref.slice(4);
    }
    const records = vault.find({ ref: ref! });
    if (!records.length) throw new RxError('NOT_FOUND', `no PHI is kept under ${ref}`);
    return {
      records: records.map((r) => {
        const read = vault.read(r.id, session!.user.user_id, input.why)!;
        return { ...read.record, text: read.payload.toString('utf8') };
      }),
    };
  },
  'alerts.get': (_i, { ws }) => computeAlerts(ws),
  'alerts.setThresholds': (input, { ws, session }) => {
    writeThresholds(ws, input);
    ws.audit.record({ actor: session!.user.user_id, action: 'ALERT_THRESHOLDS_CHANGED', target: 'alerts', details: { ...input } });
    return computeAlerts(ws);
  },
  'ingest.submit': async (input, { ws, session }) => {
    const correlationId = randomUUID();
    const base = { ...input.event, handler_id: session!.user.user_id };
    const raw = Buffer.from(JSON.stringify(base), 'utf8');
    const out = await ingestEvent(
      ws,
      { ...base, source: { kind: 'ui', correlation_id: correlationId, payload_sha256: sha256Hex(raw), ref: `form:${input.form}` } },
      { source: `ui:${input.form}`, raw, context: { form: input.form, user: session!.user.user_id } },
    );
    if (out.status === 'committed') return { status: 'committed', entry: { device_id: out.entry.device_id, seq: out.entry.seq, hash: out.entry.hash }, quarantine_id: null, reasons: [], issues: [] };
    if (out.status === 'duplicate') return { status: 'duplicate', entry: { ...out.existing, hash: '' }, quarantine_id: null, reasons: [], issues: [] };
    if (out.status === 'quarantined') return { status: 'quarantined', entry: null, quarantine_id: out.quarantineId, reasons: out.reasons, issues: out.issues };
    throw new RxError('INTERNAL', 'unexpected gate outcome');
  },
};
