/**
 * Matching one scanned unit against the expected lines of a receiving session, and the words
 * the counter shows for it. Pure: the main process feeds it the session's lines and a serial
 * look-up, and writes what it decides.
 *
 * Tones: good = into stock as expected; warn = into the session but flagged (over, wrong lot,
 * unexpected product, short-dated, serial not listed); bad = NOT received (suspect, expired,
 * unreadable, unknown product, no session…), the raw scan kept.
 */

export type Tone = 'good' | 'warn' | 'bad' | 'info';

export const VERDICTS = {
  received: { tone: 'good', label: 'Received' },
  'case-received': { tone: 'good', label: 'Case received' },
  over: { tone: 'warn', label: 'Over' },
  'wrong-lot': { tone: 'warn', label: 'Wrong lot' },
  'unexpected-product': { tone: 'warn', label: 'Not on this shipment' },
  'serial-not-listed': { tone: 'warn', label: 'Serial not listed' },
  'short-dated': { tone: 'warn', label: 'Short-dated' },
  'duplicate-serial': { tone: 'bad', label: 'Duplicate serial — suspect' },
  expired: { tone: 'bad', label: 'Expired' },
  'no-lot': { tone: 'bad', label: 'No lot in barcode' },
  unreadable: { tone: 'bad', label: 'Bad barcode' },
  'not-in-catalog': { tone: 'bad', label: 'Not in catalog' },
  'not-a-product': { tone: 'bad', label: 'Not a product code' },
  'case-already-received': { tone: 'bad', label: 'Case already received' },
  incomplete: { tone: 'bad', label: 'Scan cut off' },
  'no-session': { tone: 'bad', label: 'No receiving session open' },
  rejected: { tone: 'bad', label: 'Not accepted' },
  repeat: { tone: 'info', label: 'Repeat ignored' },
  removed: { tone: 'info', label: 'Removed by hand' },
} as const satisfies Record<string, { tone: Tone; label: string }>;
export type Verdict = keyof typeof VERDICTS;
export const toneOf = (v: Verdict): Tone => VERDICTS[v].tone;

export type Flag = 'over' | 'wrong-lot' | 'unexpected-product' | 'serial-not-listed' | 'short-dated' | 'lot-from-document';

export interface MatchLine {
  id: number;
  ndc: string | null;
  gtin: string | null;
  expected: number;
  lot: string | null;
  expiry: string | null;
  /** Serials the document lists for this line (empty: none listed). */
  serials: ReadonlySet<string>;
  /** Containers accepted so far. */
  received: number;
}

export interface UnitIn {
  gtin: string | null;
  ndc: string | null;
  lot: string | null;
  expiry: string | null;
  serial: string | null;
}

export interface MatchContext {
  lines: readonly MatchLine[];
  /** YYYY-MM-DD, the receiving date. */
  today: string;
  shortDatedDays: number;
  /** Where this GTIN+serial was received before (a session id or "ledger"), or null. */
  serialSeen(gtin: string, serial: string): string | null;
}

export type UnitDecision =
  | {
      accepted: true;
      verdict: Verdict;
      /** null: no line expects this product; the caller adds an "unexpected" line. */
      lineId: number | null;
      lot: string;
      expiry: string | null;
      flags: Flag[];
    }
  | { accepted: false; verdict: Verdict; reason: string; lot: string | null; expiry: string | null; seenIn?: string };

export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const FLAG_ORDER = ['wrong-lot', 'unexpected-product', 'over', 'serial-not-listed', 'short-dated'] as const satisfies readonly (Flag & Verdict)[];

export function matchUnit(unit: UnitIn, ctx: MatchContext): UnitDecision {
  const candidates = ctx.lines.filter((l) => (unit.gtin !== null && l.gtin === unit.gtin) || (unit.ndc !== null && l.ndc === unit.ndc));
  const flags: Flag[] = [];

  let lot = unit.lot;
  if (!lot) {
    const lots = [...new Set(candidates.map((c) => c.lot).filter((x): x is string => !!x))];
    if (lots.length === 1) {
      lot = lots[0]!;
      flags.push('lot-from-document');
    }
  }
  const expiry = unit.expiry ?? candidates.find((c) => c.lot === lot && c.expiry)?.expiry ?? null;
  if (!lot) {
    return { accepted: false, verdict: 'no-lot', reason: 'The barcode carries no lot and the shipment does not name one: scan the 2D DataMatrix, or receive it by hand.', lot: null, expiry };
  }
  if (expiry && expiry < ctx.today) {
    return { accepted: false, verdict: 'expired', reason: `Expired on ${expiry}: do not put it in stock. Set it aside for return.`, lot, expiry };
  }
  if (unit.serial && unit.gtin) {
    const seen = ctx.serialSeen(unit.gtin, unit.serial);
    if (seen) {
      return {
        accepted: false,
        verdict: 'duplicate-serial',
        reason: `Serial ${unit.serial} of GTIN ${unit.gtin} was already received${seen === 'ledger' ? ' before' : ' in this delivery'}. Suspect product (DSCSA): set this unit aside; it is in quarantine, not in stock.`,
        lot,
        expiry,
        seenIn: seen,
      };
    }
  }
  if (expiry && expiry < addDays(ctx.today, ctx.shortDatedDays)) flags.push('short-dated');

  let line: MatchLine | null = null;
  if (candidates.length) {
    const lotOk = (l: MatchLine) => !l.lot || l.lot === lot;
    line =
      candidates.find((l) => lotOk(l) && l.received < l.expected) ??
      candidates.find(lotOk) ??
      candidates.find((l) => l.received < l.expected) ??
      candidates[0]!;
    if (!lotOk(line)) flags.push('wrong-lot');
    if (line.received + 1 > line.expected) flags.push('over');
    if (unit.serial && line.serials.size && !line.serials.has(unit.serial)) flags.push('serial-not-listed');
  } else {
    flags.push('unexpected-product');
  }
  const verdict: Verdict = FLAG_ORDER.find((f) => flags.includes(f)) ?? 'received';
  return { accepted: true, verdict, lineId: line?.id ?? null, lot, expiry, flags };
}

/** What the counter says about one accepted unit, after it was counted. */
export function acceptedMessage(d: { verdict: Verdict; lot: string; expiry: string | null; flags: readonly Flag[] }, line: { ndc: string | null; name: string | null; expected: number; received: number; lot: string | null }, shortDatedDays: number): string {
  const what = `${line.name ?? line.ndc ?? 'product'} lot ${d.lot}`;
  const count = `${line.received} of ${line.expected}`;
  const extra: string[] = [];
  if (d.flags.includes('wrong-lot')) extra.push(`wrong lot: the shipment says ${line.lot}`);
  if (d.flags.includes('unexpected-product')) extra.push('this product is not on the shipment');
  if (d.flags.includes('over')) extra.push(`over: ${line.received} received, ${line.expected} expected`);
  if (d.flags.includes('serial-not-listed')) extra.push('serial not listed in the shipment data');
  if (d.flags.includes('short-dated')) extra.push(`short-dated: expires ${d.expiry} (within ${shortDatedDays} days)`);
  if (d.flags.includes('lot-from-document')) extra.push('lot taken from the shipment (barcode has none)');
  return `${VERDICTS[d.verdict].label}: ${what} — ${count}${extra.length ? ` · ${extra.join(' · ')}` : ''}`;
}

export type LineState = 'waiting' | 'partial' | 'complete' | 'over' | 'unexpected';

export function lineState(expected: number, received: number): LineState {
  if (expected === 0) return received > 0 ? 'unexpected' : 'waiting';
  if (received === 0) return 'waiting';
  if (received < expected) return 'partial';
  return received === expected ? 'complete' : 'over';
}
