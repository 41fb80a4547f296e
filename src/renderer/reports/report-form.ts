import { ndc11Of } from '../../shared/counts';
import { isRealDate } from '../../shared/reports/period';
import { REPORT_TITLES, type ReportKind, type ReportRequest, type ReportSchedules } from '../../shared/reports/types';

export interface ReportFormState {
  kind: ReportKind;
  format: 'csv' | 'pdf';
  from: string;
  to: string;
  taken: 'opening' | 'close';
  ndcs: string;
  /** 1304.04(h): CII apart from CIII–V; `all` gives both in separate sections. */
  schedules: ReportSchedules;
}

export const REPORT_CHOICES: { kind: ReportKind; label: string; hint: string }[] = [
  { kind: 'biennial', label: REPORT_TITLES.biennial, hint: 'Inventory date = "To". Counts taken from "From" (default: that day) are used; CII must be counted.' },
  { kind: 'cii-log', label: REPORT_TITLES['cii-log'], hint: 'Every receipt, dispense, count and adjustment of each CII NDC with its running balance.' },
  { kind: 'receipts', label: REPORT_TITLES.receipts, hint: 'Controlled receipts with supplier, DEA number and the 222/CSOS order of CII lines.' },
  { kind: 'dispensing', label: REPORT_TITLES.dispensing, hint: 'Every controlled dispense with prescription number, prescriber and DEA number, patient token; CII log apart from the CIII–V record.' },
  { kind: 'form41', label: REPORT_TITLES.form41, hint: 'Destructions with method, place and the two employees who signed.' },
  { kind: 'returns', label: REPORT_TITLES.returns, hint: 'Returns to wholesalers and reverse distributors, transfers to other registrants, with the counterparty and the 222/CSOS order.' },
  { kind: 'form106', label: REPORT_TITLES.form106, hint: 'Signed theft-or-loss adjustments discovered in the period.' },
  { kind: 'audit', label: REPORT_TITLES.audit, hint: 'Sign-ins, signatures, exports, quarantine decisions and every other audited action.' },
];

/** The request the form describes, or what is wrong with it in words. */
/** The form field a problem is about, so the screen shows it under that field. */
export type ReportFormField = 'from' | 'to' | 'ndcs';

export function requestFromForm(f: ReportFormState): { ok: true; request: ReportRequest } | { ok: false; message: string; field: ReportFormField } {
  for (const [label, v, field] of [['From', f.from, 'from'], ['To', f.to, 'to']] as const) {
    if (v && !isRealDate(v)) return { ok: false, field, message: `${label} "${v}" is not a date (YYYY-MM-DD).` };
  }
  if (f.from && f.to && f.from > f.to) return { ok: false, field: 'to', message: `The period is empty: From ${f.from} is after To ${f.to}.` };
  const ndcs: string[] = [];
  if (f.kind === 'cii-log') {
    for (const t of f.ndcs.split(/[\s,;]+/).filter(Boolean)) {
      const r = ndc11Of(t);
      if (!r.ok) return { ok: false, field: 'ndcs', message: `NDC "${t}": ${r.message}` };
      ndcs.push(r.ndc);
    }
  }
  return {
    ok: true,
    request: {
      kind: f.kind,
      format: f.format,
      from: f.from || null,
      to: f.to || null,
      ...(f.kind === 'biennial' ? { taken: f.taken } : {}),
      ...(ndcs.length ? { ndcs } : {}),
      ...(f.schedules !== 'all' && f.kind !== 'audit' ? { schedules: f.schedules } : {}),
    },
  };
}

export function progressPercent(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)));
}

export const PHASE_LABELS: Record<string, string> = {
  starting: 'Starting',
  balances: 'Reading balances',
  products: 'Products',
  entries: 'Ledger entries',
  receipts: 'Receipts',
  audit: 'Audit records',
  writing: 'Writing the file',
  done: 'Done',
};

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
