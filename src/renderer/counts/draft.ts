import { countedProblem, lineKey, unitsOf } from '../../shared/counts';
import type { CountItemView, CountView } from '../../shared/ipc/counts-channels';
import type { ScanResult } from '../../shared/identifiers';

/**
 * A count in progress, as the counter enters it. Kept whole in IndexedDB (Dexie) after every
 * change, with a copy of the lines to count, so a reload, a crash or a network outage loses
 * nothing and counting itself needs nothing from any server; only the submission does.
 */
export interface DraftLine {
  ndc: string;
  lot: string | null;
  /** What was typed in the units field ('' until something is). */
  text: string;
  counted: number | null;
  /** Sealed containers × size + opened containers, when counted that way. */
  full: number | null;
  size: number | null;
  partials: number[];
  countedAt: string | null;
  method: 'scan' | 'keypad';
  /** Why what was typed is not a count ("abc", "-5"); shown at the field. Absent in drafts saved before it existed. */
  problem?: string | null;
}

export interface CountDraft {
  countId: string;
  userId: string;
  facilityId: string;
  scopeLabel: string;
  blind: boolean;
  createdAt: string;
  items: CountItemView[];
  lines: Record<string, DraftLine>;
  /** The line a scan or a click selected. */
  focus: string | null;
  updatedAt: string;
}

export const keyOf = (i: { ndc: string; lot: string | null }) => lineKey(i.ndc, i.lot);

export function emptyDraft(c: CountView, userId: string, now: string): CountDraft {
  const lines: Record<string, DraftLine> = {};
  for (const i of c.items) lines[keyOf(i)] = { ndc: i.ndc, lot: i.lot, text: '', counted: null, full: null, size: null, partials: [], countedAt: null, method: 'keypad', problem: null };
  return { countId: c.count_id, userId, facilityId: c.facility_id, scopeLabel: c.scope_label, blind: c.blind, createdAt: c.created_at, items: c.items, lines, focus: null, updatedAt: now };
}

export type Edit = { ok: true; draft: CountDraft } | { ok: false; draft: CountDraft; error: string };

/** What is wrong with a typed count, in words for the field; null when it is whole units (or empty). */
export function countTextProblem(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (/^-\s*\d/.test(trimmed)) return `a count cannot be negative (got ${trimmed})`;
  if (/^\d+[.,]\d+$/.test(trimmed)) return `a count is whole units (got ${trimmed})`;
  if (!/^\d+$/.test(trimmed)) return `numbers only: "${trimmed}" is not a number of units`;
  return countedProblem(Number(trimmed));
}

/**
 * The units field: whole, non-negative units; '' clears the line. What is not a count ("abc",
 * "-5") is kept as typed with its problem, and the line counts as not counted: a stale earlier
 * figure is never submitted in its place.
 */
export function setCounted(d: CountDraft, key: string, text: string, method: 'scan' | 'keypad', now: string): Edit {
  const line = d.lines[key];
  if (!line) return { ok: false, draft: d, error: 'not a line of this count' };
  const trimmed = text.trim();
  const problem = countTextProblem(text);
  const value = trimmed === '' || problem ? null : Number(trimmed);
  const next: DraftLine = { ...line, text, counted: value, full: null, size: null, partials: [], countedAt: value === null ? null : now, method, problem };
  const draft = { ...d, lines: { ...d.lines, [key]: next }, focus: key, updatedAt: now };
  return problem ? { ok: false, draft, error: problem } : { ok: true, draft };
}

/** Counting by containers: the units are their sum. */
export function setContainers(d: CountDraft, key: string, c: { full: number; size: number; partials: number[] }, now: string): Edit {
  const line = d.lines[key];
  if (!line) return { ok: false, draft: d, error: 'not a line of this count' };
  if (![c.full, c.size, ...c.partials].every((n) => Number.isInteger(n) && n >= 0) || c.size < 1) {
    return { ok: false, draft: d, error: 'containers, their size and the opened ones are whole numbers (size at least 1)' };
  }
  const counted = unitsOf({ full_containers: c.full, units_per_container: c.size, partial_units: c.partials });
  const next: DraftLine = { ...line, text: String(counted), counted, full: c.full, size: c.size, partials: c.partials, countedAt: now, method: line.method, problem: null };
  return { ok: true, draft: { ...d, lines: { ...d.lines, [key]: next }, focus: key, updatedAt: now } };
}

/**
 * Which line a scan is for: the NDC and lot of a GS1 code, or the NDC alone of a linear code
 * (then the only lot of that NDC in the count, or the first not counted yet).
 */
export function lineForScan(d: CountDraft, scan: Pick<ScanResult, 'ok' | 'ndc' | 'lot' | 'error'>): { ok: true; key: string } | { ok: false; error: string } {
  if (!scan.ok || !scan.ndc) return { ok: false, error: scan.error ?? 'this code carries no NDC' };
  const candidates = d.items.filter((i) => i.ndc === scan.ndc);
  if (candidates.length === 0) return { ok: false, error: `${scan.ndc} is not in this count` };
  const exact = scan.lot ? candidates.find((i) => i.lot === scan.lot) ?? candidates.find((i) => i.lot === null) : null;
  if (scan.lot && !exact) return { ok: false, error: `${scan.ndc} lot ${scan.lot} is not in this count (lots: ${candidates.map((c) => c.lot ?? 'any').join(', ')})` };
  const pick = exact ?? candidates.find((i) => d.lines[keyOf(i)]?.counted === null) ?? candidates[0]!;
  return { ok: true, key: keyOf(pick) };
}

/** A scan selected this line: it is the focused line, and what is entered now was found by scanning. */
export function markScanned(d: CountDraft, key: string, now: string): CountDraft {
  const line = d.lines[key];
  if (!line) return d;
  return { ...d, focus: key, lines: { ...d.lines, [key]: { ...line, method: 'scan' } }, updatedAt: now };
}

export function progress(d: CountDraft): { counted: number; total: number } {
  const all = Object.values(d.lines);
  return { counted: all.filter((l) => l.counted !== null).length, total: all.length };
}

const lineName = (l: DraftLine) => `${l.ndc}${l.lot ? ` lot ${l.lot}` : ''}`;

/** What counts.submit takes; or the lines whose field holds something that is not a count; or the lines still missing. */
export function linesToSubmit(d: CountDraft):
  | { ok: true; lines: { ndc: string; lot: string | null; counted: number; countedAt: string | null; method: 'scan' | 'keypad'; containers: { full_containers: number; units_per_container: number; partial_units: number[] } | null }[] }
  | { ok: false; missing: string[]; missingKeys: string[]; invalid?: { key: string; name: string; problem: string }[] } {
  const invalid = Object.entries(d.lines)
    .map(([key, l]) => ({ key, name: lineName(l), problem: l.problem ?? countTextProblem(l.text) }))
    .filter((x): x is { key: string; name: string; problem: string } => x.problem !== null);
  const missingEntries = Object.entries(d.lines).filter(([, l]) => l.counted === null && !(l.problem ?? countTextProblem(l.text)));
  const missing = missingEntries.map(([, l]) => lineName(l));
  const missingKeys = missingEntries.map(([k]) => k);
  if (invalid.length) return { ok: false, missing, missingKeys, invalid };
  if (missing.length) return { ok: false, missing, missingKeys };
  return {
    ok: true,
    lines: Object.values(d.lines).map((l) => ({
      ndc: l.ndc,
      lot: l.lot,
      counted: l.counted!,
      countedAt: l.countedAt,
      method: l.method,
      containers: l.full !== null && l.size !== null ? { full_containers: l.full, units_per_container: l.size, partial_units: l.partials } : null,
    })),
  };
}
