import { randomUUID } from 'node:crypto';
import { normalizeDrugRecord } from '../ingest/drug-record';
import type { Candidate, IngestGate } from '../ingest/gate';
import { candidatesFromSetText, type SetOrigin } from '../ingest/x12-file';
import { sha256Hex } from '../ledger/hash';
import { posCandidateFromText } from '../pos/event';
import type { Workstation } from '../workstation';
import { underInvestigation } from './investigation';
import type { QuarantineItem } from './store';

export class QuarantineDecisionError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'BAD_INPUT' | 'REFUSED',
    message: string,
    readonly reasons: string[] = [],
  ) {
    super(message);
  }
}

export interface ReplayResult {
  quarantine_id: number;
  committed: Array<{ device_id: string; seq: number; hash: string }>;
  duplicates: number;
  /** EDI report lines that are not stock movements. */
  ignored: number;
}

function openItem(ws: Workstation, id: number, what: 'replayed' | 'rejected'): QuarantineItem {
  const item = ws.quarantine.get(id);
  if (!item) throw new QuarantineDecisionError('NOT_FOUND', `quarantine item #${id} does not exist`);
  if (item.status !== 'open') throw new QuarantineDecisionError('CONFLICT', `quarantine item #${id} was already ${item.status}; a decision is final`);
  if (underInvestigation(ws, item)) {
    throw new QuarantineDecisionError(
      'CONFLICT',
      `quarantine item #${id} is a suspect product (DSCSA): it cannot be ${what} until a pharmacist clears it after investigation, or marks it illegitimate (rxledger quarantine clear|illegitimate). Nothing was decided.`,
    );
  }
  return item;
}

/** The source's own normalizer, for the (fixed) text of an item. */
function candidatesFor(ws: Workstation, gate: IngestGate, item: QuarantineItem, text: string, payloadSha256: string): { candidates: Candidate[]; ignored: number } {
  const isKnownNdc = gate.catalog ? (n: string) => gate.catalog!.isKnownNdc(n) : undefined;
  const correlationId = randomUUID();
  const [kind, rest] = [item.source.split(':')[0], item.source.split(':').slice(1).join(':')];
  switch (kind) {
    case 'ndjson':
      return { candidates: [normalizeDrugRecord(text, { correlationId, payloadSha256, ref: `replay of #${item.id}`, ...(isKnownNdc ? { isKnownNdc } : {}), timeZone: ws.timeZone(), unitsOf: (n) => gate.catalog?.unitsOf?.(n) ?? null })], ignored: 0 };
    case 'edi': {
      const c = item.context as Partial<SetOrigin>;
      const origin: SetOrigin = {
        sender: typeof c.sender === 'string' && c.sender ? c.sender : 'bare',
        interchangeControl: c.interchangeControl ?? null,
        groupControl: c.groupControl ?? null,
        control: c.control ?? '',
        type: c.type ?? '',
      };
      const r = candidatesFromSetText(text, origin, { facilityId: ws.facilityId, ...(isKnownNdc ? { isKnownNdc } : {}), unitsOf: (n) => gate.catalog?.unitsOf?.(n) ?? null });
      if (!r.ok) return { candidates: [{ ok: false, reasons: r.reasons, issues: r.issues }], ignored: 0 };
      return { candidates: r.candidates, ignored: r.ignored };
    }
    case 'pos':
      return {
        candidates: [posCandidateFromText(rest === 'return' ? 'return' : 'dispense', text, ws.phi, { facilityId: ws.facilityId, correlationId, payloadSha256 })],
        ignored: 0,
      };
    default: {
      // UI forms, counts, scans: the raw payload is the canonical event's JSON.
      try {
        const event = JSON.parse(text) as Record<string, unknown>;
        const source = (event.source ?? {}) as Record<string, unknown>;
        return {
          candidates: [{ ok: true, event: { ...event, source: { ...source, correlation_id: correlationId, payload_sha256: payloadSha256 } } as never }],
          ignored: 0,
        };
      } catch (err) {
        return { candidates: [{ ok: false, reasons: ['MALFORMED_JSON'], issues: [(err as Error).message] }], ignored: 0 };
      }
    }
  }
}

/**
 * Fix and replay: the item's text (as kept, or as fixed by the reviewer) goes through the
 * source's normalizer and the same gate again. Every new entry names the item (data.replay_of);
 * the decision and the audit row are written in the same transaction as the entries. A replay
 * the gate still refuses writes nothing and says why.
 */
export function replayQuarantined(
  ws: Workstation,
  id: number,
  opts: { actor: string; fixedText?: string | null; note?: string; gate?: IngestGate },
): ReplayResult {
  const gate = opts.gate ?? ws.gate;
  return ws.db
    .transaction(() => {
      const item = openItem(ws, id, 'replayed');
      let text: string;
      if (opts.fixedText !== undefined && opts.fixedText !== null) text = opts.fixedText;
      else {
        const raw = ws.quarantine.raw(id);
        if (!raw) {
          const where = item.raw_ref?.startsWith('kept:') ? `as the file quarantine-files/${item.raw_ref.slice(5)} in the data folder` : `by reference (${item.raw_ref})`;
          throw new QuarantineDecisionError('BAD_INPUT', `item #${id} is too large to replay as it is: it is kept ${where}; paste the fixed text to replay it`);
        }
        text = raw.toString('utf8');
      }
      const bytes = Buffer.from(text, 'utf8');
      const payloadSha256 = sha256Hex(bytes);
      const { candidates, ignored } = candidatesFor(ws, gate, item, text, payloadSha256);
      const committed: ReplayResult['committed'] = [];
      let duplicates = 0;
      for (const c of candidates) {
        const candidate: Candidate = c.ok ? { ok: true, event: { ...c.event, replay_of: id } } : c;
        // The person replaying proved who they are; a record's handler_id is only its claim. An X12
        // item's handler is its sender, whom ingest.edi_senders authenticates: it stays the actor.
        const submitter = item.source.startsWith('edi:') ? {} : { submitter: opts.actor };
        const out = gate.processInTransaction({ source: item.source, raw: bytes, rawSha256: payloadSha256, candidate, context: { replay_of: id }, ...submitter }, { quarantine: false });
        if (out.status === 'refused' || out.status === 'quarantined') {
          const reasons = out.reasons;
          throw new QuarantineDecisionError('REFUSED', `the replay is still refused: ${reasons.join(', ')}: ${out.issues.join('; ')}`, reasons);
        }
        if (out.status === 'committed') committed.push({ device_id: out.entry.device_id, seq: out.entry.seq, hash: out.entry.hash });
        else duplicates++;
      }
      if (!committed.length && !duplicates && !ignored) throw new QuarantineDecisionError('REFUSED', 'the text holds no event to replay');
      const at = ws.clock.now().toISOString();
      const fixed = opts.fixedText !== undefined && opts.fixedText !== null;
      ws.quarantine.decide({
        quarantine_id: id,
        decision: 'replayed',
        decided_by: opts.actor,
        decided_at: at,
        reason: opts.note?.trim() || (fixed ? 'fixed and replayed' : 'replayed as received'),
        entry_ref: JSON.stringify(committed.map((e) => `${e.device_id}#${e.seq}`)),
      });
      ws.audit.record({
        actor: opts.actor,
        action: 'QUARANTINE_REPLAYED',
        target: `quarantine:${id}`,
        details: {
          source: item.source,
          original_sha256: item.sha256,
          replayed_sha256: payloadSha256,
          fixed,
          ...(fixed && bytes.length <= 65_536 ? { fixed_text: text } : {}),
          entries: committed.map((e) => `${e.device_id}#${e.seq}`),
          duplicates,
          note: opts.note ?? null,
        },
      });
      return { quarantine_id: id, committed, duplicates, ignored };
    })
    .immediate();
}

/**
 * An item resolved because its source sent the same input again and it then committed (a POS
 * transaction resent after a hold was released, after stock arrived, or after the database was
 * free again). Recorded as a replay naming the entry, with its audit row, in the caller's
 * transaction, so the compliance officer sees how the item ended. An item already decided is
 * left as it is (a decision is final); returns whether a decision was written.
 */
export function recordResolvedByResend(
  ws: Workstation,
  id: number,
  opts: { actor: string; entries: Array<{ device_id: string; seq: number }>; reason: string; resentSha256: string; details?: Record<string, unknown> },
): boolean {
  if (!ws.db.inTransaction) throw new Error('recordResolvedByResend needs an open transaction');
  const item = ws.quarantine.get(id);
  if (!item || item.status !== 'open') return false;
  const refs = opts.entries.map((e) => `${e.device_id}#${e.seq}`);
  ws.quarantine.decide({
    quarantine_id: id,
    decision: 'replayed',
    decided_by: opts.actor,
    decided_at: ws.clock.now().toISOString(),
    reason: opts.reason,
    entry_ref: JSON.stringify(refs),
  });
  ws.audit.record({
    actor: opts.actor,
    action: 'QUARANTINE_REPLAYED',
    target: `quarantine:${id}`,
    details: {
      source: item.source,
      original_sha256: item.sha256,
      replayed_sha256: opts.resentSha256,
      fixed: false,
      resent: true,
      reasons: item.reasons,
      entries: refs,
      note: opts.reason,
      ...(opts.details ?? {}),
    },
  });
  return true;
}

/** Reject with a reason: the item stays (never deleted); the decision and audit row are final. */
export function rejectQuarantined(ws: Workstation, id: number, opts: { actor: string; reason: string }): { quarantine_id: number; decision_id: number } {
  const reason = opts.reason.trim();
  if (reason.length < 3) throw new QuarantineDecisionError('BAD_INPUT', 'say why the item is rejected (at least 3 characters)');
  return ws.db
    .transaction(() => {
      const item = openItem(ws, id, 'rejected');
      const decisionId = ws.quarantine.decide({
        quarantine_id: id,
        decision: 'rejected',
        decided_by: opts.actor,
        decided_at: ws.clock.now().toISOString(),
        reason,
        entry_ref: null,
      });
      ws.audit.record({ actor: opts.actor, action: 'QUARANTINE_REJECTED', target: `quarantine:${id}`, details: { source: item.source, sha256: item.sha256, reasons: item.reasons, reason } });
      return { quarantine_id: id, decision_id: decisionId };
    })
    .immediate();
}

/** Hex dump lines ("00000000  7b 22 6e ...  |{"n...|"), for the inspect view and `quarantine show --hex`. */
export function hexDump(bytes: Buffer, maxBytes = 64 * 1024): string {
  const lines: string[] = [];
  const n = Math.min(bytes.length, maxBytes);
  for (let off = 0; off < n; off += 16) {
    const chunk = bytes.subarray(off, Math.min(off + 16, n));
    const hex = [...chunk].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...chunk].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  if (bytes.length > n) lines.push(`… ${bytes.length - n} more bytes`);
  return lines.join('\n');
}
