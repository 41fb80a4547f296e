import { ndc11Of } from '../../shared/counts';
import type { ChannelInput } from '../../shared/ipc/contract';
import { parseUnitList, parseWholeNumber } from '../format/units';

/**
 * The initial inventory form (21 CFR 1304.11(b)) as a person fills it in, kept whole in
 * IndexedDB after every change so a reload loses nothing — except the passwords, never stored.
 */
export interface InitialLineDraft {
  ndc: string;
  lot: string;
  expiry: string;
  /** How this line was counted: sealed containers plus opened ones, or units in all. */
  by: 'containers' | 'units';
  full: string;
  /** The units in each opened container, comma-separated ("27, 13"). */
  partials: string;
  units: string;
}

export interface InitialDraft {
  lines: InitialLineDraft[];
  taken: 'opening' | 'close';
  note: string;
  signerId: string;
  cosignerId: string;
}

export const emptyInitialLine = (): InitialLineDraft => ({ ndc: '', lot: '', expiry: '', by: 'containers', full: '', partials: '', units: '' });
export const emptyInitialDraft = (): InitialDraft => ({ lines: [emptyInitialLine()], taken: 'opening', note: '', signerId: '', cosignerId: '' });

export function isInitialDraft(v: unknown): v is InitialDraft {
  const d = v as InitialDraft;
  return typeof d === 'object' && d !== null && Array.isArray(d.lines) && (d.taken === 'opening' || d.taken === 'close') && typeof d.note === 'string';
}

export type LineField = 'ndc' | 'lot' | 'expiry' | 'full' | 'partials' | 'units' | 'line';
/** Problems by line index and field, and for the form as a whole (`form`). */
export interface Problems {
  lines: Record<number, Partial<Record<LineField, string>>>;
  form: string[];
}

type LineIn = ChannelInput<'inventory.initial'>['lines'][number];

const blank = (l: InitialLineDraft) => !l.ndc.trim() && !l.lot.trim() && !l.expiry.trim() && !l.full.trim() && !l.partials.trim() && !l.units.trim();

/**
 * Checks every field a person can get wrong before anything is sent (NDC, lot, expiry, numbers
 * only), and builds the lines `inventory.initial` takes. Entirely empty lines are skipped. The
 * main process has the last word (catalog, package size, lots already in the ledger).
 */
export function validateInitial(d: InitialDraft): { ok: true; lines: LineIn[]; indexes: number[] } | { ok: false; problems: Problems } {
  const problems: Problems = { lines: {}, form: [] };
  const lines: LineIn[] = [];
  const indexes: number[] = [];
  const seen = new Map<string, number>();
  const put = (i: number, f: LineField, msg: string) => ((problems.lines[i] ??= {})[f] = msg);
  d.lines.forEach((l, i) => {
    if (blank(l)) return;
    const n = ndc11Of(l.ndc.trim());
    if (!l.ndc.trim()) put(i, 'ndc', 'Enter the NDC from the label.');
    else if (!n.ok) put(i, 'ndc', n.message);
    const lot = l.lot.trim();
    if (lot.length > 20) put(i, 'lot', 'A lot number has at most 20 characters.');
    const expiry = l.expiry.trim();
    if (expiry && !/^\d{4}-\d{2}-\d{2}$/.test(expiry)) put(i, 'expiry', 'A date (YYYY-MM-DD).');
    let counted: number | null = null;
    let containers: LineIn['containers'] = null;
    if (l.by === 'units') {
      const u = parseWholeNumber(l.units, 'units');
      if (!u.ok) put(i, 'units', u.problem);
      else counted = u.value;
    } else {
      const full = l.full.trim() === '' ? { ok: true as const, value: 0 } : parseWholeNumber(l.full, 'sealed containers', 100_000);
      const partials = parseUnitList(l.partials);
      if (!full.ok) put(i, 'full', full.problem);
      if (!partials.ok) put(i, 'partials', partials.problem);
      if (l.full.trim() === '' && l.partials.trim() === '') put(i, 'full', 'Enter the sealed containers (0 if none) and the units in each opened one.');
      if (full.ok && partials.ok && !(l.full.trim() === '' && l.partials.trim() === '')) containers = { full_containers: full.value, partial_units: partials.values };
    }
    if (n.ok) {
      const key = `${n.ndc}|${lot}`;
      const first = seen.get(key);
      if (first !== undefined) put(i, 'line', `Line ${first + 1} already lists ${n.ndc}${lot ? ` lot ${lot}` : ' without a lot'}.`);
      else seen.set(key, i);
    }
    if (problems.lines[i]) return;
    lines.push({ ndc: n.ok ? n.ndc : l.ndc.trim(), lot: lot || null, expiry: expiry || null, ...(containers ? { containers } : { counted }) });
    indexes.push(i);
  });
  if (lines.length === 0 && Object.keys(problems.lines).length === 0) problems.form.push('Enter at least one line: the NDC, lot and what you counted.');
  if (!d.signerId.trim()) problems.form.push('The pharmacist who took the inventory signs it: enter their user ID.');
  if (Object.keys(problems.lines).length || problems.form.length) return { ok: false, problems };
  return { ok: true, lines, indexes };
}

/**
 * The main process names a refused line as "line N (NDC lot L): what is wrong", N counting the
 * lines it was sent; `indexes` maps them back to the form's rows so each message sits beside
 * its line. What names no line stays with the form.
 */
export function serverProblems(message: string, indexes: number[]): Problems {
  const out: Problems = { lines: {}, form: [] };
  const body = message.replace(/^Not recorded\s+—\s+/, '').replace(/\s*Nothing was signed\.\s*$/, '');
  const parts = body.split(/\s+·\s+|;\s+(?=lines\.)/);
  let matched = false;
  for (const p of parts) {
    const m = /^line (\d+)(?: \([^)]*\))?:\s*(.*)$/s.exec(p.trim());
    const z = /^lines\.(\d+)(?:\.(\w+))?:\s*(.*)$/s.exec(p.trim());
    if (m) {
      const row = indexes[Number(m[1]) - 1];
      if (row !== undefined) {
        const text = m[2]!.replace(/\.$/, '');
        (out.lines[row] ??= {}).line = text.charAt(0).toUpperCase() + text.slice(1);
        matched = true;
        continue;
      }
    } else if (z) {
      const row = indexes[Number(z[1])];
      if (row !== undefined) {
        (out.lines[row] ??= {}).line = `${z[2] ?? ''}${z[2] ? ': ' : ''}${z[3]}`;
        matched = true;
        continue;
      }
    }
    out.form.push(p);
  }
  if (!matched) return { lines: {}, form: [message] };
  return out;
}
