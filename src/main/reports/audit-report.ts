import { manifestationText, type ReasonCode } from '../../shared/counts';
import { auditCategoryOf } from '../../shared/audit/actions';
import type { ReportColumn, ReportSink } from '../../shared/reports/types';
import { AuditTrail } from '../audit/trail';
import type { Reader } from './reader';

/** The audit trail (Part 11 §11.10(e)), with whether its hash chain holds in the footer. */
export function auditReport(reader: Reader, sink: ReportSink, notice: (t: string) => void): void {
  const p = reader.period;
  const columns: ReportColumn[] = [
    { key: 'id', label: 'No.', width: 3, align: 'right' },
    { key: 'at', label: 'When', width: 10 },
    { key: 'category', label: 'Category', width: 6 },
    { key: 'action', label: 'Action', width: 9 },
    { key: 'actor', label: 'Who', width: 10 },
    { key: 'target', label: 'Target', width: 9 },
    { key: 'details', label: 'Details', width: 30 },
    { key: 'hash', label: 'Record hash', width: 8, pdfShort: 'hash' },
  ];
  reader.header(sink, 'audit', columns, [
    ['Period', reader.periodText()],
    ['Covers', 'sign-ins and sign-outs, lockouts, password and user changes, e-signatures, exports, quarantine decisions, counts, holds, receiving, settings'],
  ]);
  const sigText = reader.db.prepare<[string, string], { printed_name: string; role: string; meaning: string; reason: string | null; signed_at: string; time_zone: string; signer_id: string }>(
    'SELECT signer_id, printed_name, role, meaning, reason, signed_at, time_zone FROM entry_signatures WHERE entry_hash = ? AND signer_id = ?',
  );
  const total = reader.db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM audit_log WHERE at >= ? AND at <= ?').get(p.fromUtc ?? '', p.toUtc)!.n;
  let done = 0;
  for (const r of reader.db
    .prepare<[string, string], { id: number; at: string; actor: string; action: string; target: string | null; details: string; hash: string }>(
      'SELECT id, at, actor, action, target, details, hash FROM audit_log WHERE at >= ? AND at <= ? ORDER BY id',
    )
    .iterate(p.fromUtc ?? '', p.toUtc)) {
    let details = r.details === '{}' ? '' : r.details;
    if (r.action === 'SIGNATURE_APPLIED') {
      const d = JSON.parse(r.details) as { entry_hash?: string };
      const s = d.entry_hash ? sigText.get(d.entry_hash, r.actor) : undefined;
      if (s) details = `${manifestationText({ ...s, user_id: s.signer_id, role: s.role as 'signer', meaning: s.meaning as 'approval' }, (s.reason as ReasonCode | null) ?? null)} — ${details}`;
    }
    reader.lines++;
    sink.row([r.id, reader.local(r.at), auditCategoryOf(r.action), r.action, reader.who(r.actor), r.target, details, r.hash]);
    if (++done % 1000 === 0) reader.progress({ phase: 'audit', done, total });
  }
  if (reader.lines === 0) notice(`No audit record between ${p.fromDate ?? 'the first record'} and ${p.toDate}.`);
  const check = new AuditTrail(reader.db).verify();
  reader.footerNotes.push(check.ok ? `audit chain checked: ${check.checked} record(s), every hash holds` : `AUDIT CHAIN BROKEN at record ${check.firstBadId}: records were changed or removed`);
  if (!check.ok) notice(`The audit trail's hash chain does not hold at record ${check.firstBadId}: records were changed or removed outside RxLedger.`);
}
