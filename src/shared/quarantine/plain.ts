import { REASON_CODES } from '../ingest/event';

/**
 * Quarantine in pharmacy language: what a reason code means for the bottle in front of the
 * pharmacist, and the checks on an investigation's outcome. Shared so the screen checks a
 * field as it is typed and the workstation checks it again with the same words.
 */

/**
 * Reasons that make an item a DSCSA suspect product (21 USC 360eee-1(d)): it must be
 * investigated, cleared or found illegitimate by a pharmacist before anything else is decided.
 * UNKNOWN_SERIAL and VERIFICATION_FAILED are the answers of a product-identifier verification;
 * no source produces them yet, but an item carrying them is treated as suspect already.
 */
export const SUSPECT_REASONS = ['DUPLICATE_SERIAL', 'UNKNOWN_SERIAL', 'VERIFICATION_FAILED'] as const;

export function isSuspect(reasons: readonly string[]): boolean {
  return reasons.some((r) => (SUSPECT_REASONS as readonly string[]).includes(r));
}

/** What is known about the unit beyond the reason code, to make the sentence concrete. */
export interface ReasonFacts {
  /** When the same serial was first received here, already formatted ("12 Nov"). */
  firstReceivedOn?: string | null;
  /** When the same serial was scanned into a delivery not yet committed ("12 Nov"). */
  firstScannedOn?: string | null;
  /** "bottle", "box": what the unit is, when the catalog says; "unit" otherwise. */
  unitWord?: string;
}

const PLAIN: Record<string, string> = {
  UNKNOWN_SERIAL: "This {unit}'s serial number is not one the manufacturer issued — possible counterfeit. Keep it apart; do not sell it.",
  VERIFICATION_FAILED: "This {unit}'s product identifier failed verification with the manufacturer — possible counterfeit. Keep it apart; do not sell it.",
  UNKNOWN_NDC: "This drug's NDC is not in the drug catalog, so it cannot go into stock until the catalog lists it.",
  BAD_NDC: 'The NDC sent is not a valid NDC (wrong length or digits).',
  AMBIGUOUS_NDC: 'The NDC sent could be more than one product; it needs its hyphens or a catalog entry.',
  EXPIRED_LOT: 'This lot had already expired when it arrived or was dispensed.',
  HOLD_ACTIVE: 'The lot is on compliance hold after a count: nothing leaves it until a pharmacist signs the adjustment.',
  INSUFFICIENT_STOCK: 'More was dispensed or removed than the records show on hand.',
  UNAUTHORIZED_HANDLER: 'The person or trading partner named is not a user of this pharmacy or a listed partner.',
  SCHEDULE_MISMATCH: 'The DEA schedule sent is not the one the drug catalog gives for this drug.',
  SCHEDULE_CHANGE: 'This drug was recorded under another DEA schedule before.',
  UNKNOWN_SCHEDULE: 'Nothing says which DEA schedule this drug is in, so it is not recorded as uncontrolled by guess.',
  FUTURE_EVENT: 'The date and time sent are in the future.',
  WRONG_FACILITY: 'It is for another pharmacy than this one.',
  MISSING_FIELD: 'Something required (lot, quantity, handler …) is missing.',
  BAD_LOT: 'The lot or serial number has characters a barcode cannot carry, or is too long.',
  UNIT_MISMATCH: "The units or package size sent do not match the catalog's package for this NDC.",
  UNKNOWN_PACKAGE_SIZE: 'It was sent in containers, but the catalog does not say how many units one holds.',
  ORDER_FORM_REUSED: 'The DEA Form 222 / CSOS number was already used for an order from another supplier.',
  TRANSIENT_FAILURE: 'The database was busy; the same input can simply be replayed.',
  MALFORMED_JSON: 'The record could not be read (it is not valid JSON).',
  NOT_X12: 'The file could not be read as an EDI (X12) file.',
  EDI_REJECTED: "The wholesaler's EDI file broke the EDI rules; the partner gets a rejection acknowledgment.",
};

/**
 * The first sentence a pharmacist reads: "This bottle's serial number was already received on
 * 12 Nov — possible counterfeit or double scan." Unknown codes fall back to their meaning.
 */
export function plainReason(code: string, facts: ReasonFacts = {}): string {
  const unit = facts.unitWord ?? 'unit';
  if (code === 'DUPLICATE_SERIAL') {
    const when = facts.firstReceivedOn
      ? `was already received on ${facts.firstReceivedOn}`
      : facts.firstScannedOn
        ? `was already scanned into a delivery on ${facts.firstScannedOn}`
        : 'is already on record here';
    return `This ${unit}'s serial number ${when} — possible counterfeit or double scan. Keep it apart; do not sell it.`;
  }
  const text = PLAIN[code];
  if (text) return text.replace('{unit}', unit);
  const meaning = (REASON_CODES as Record<string, string>)[code];
  if (meaning) return `${meaning.charAt(0).toUpperCase()}${meaning.slice(1)}.`;
  if (/^(AK[3459]|IK[345]|TA1):/.test(code)) return "The wholesaler's EDI file broke the EDI rules.";
  return code;
}

/** "30 TABLET in 1 BOTTLE (0002-1200-30)" → "bottle": what one unit in the hand is; "unit" when the catalog does not say. */
export function containerWordOf(packageDescription: string | null | undefined): string {
  const m = /\bin 1 ([A-Za-z][A-Za-z ,-]*?)\s*(?:\(|$|\*|\/)/.exec(packageDescription ?? '');
  const word = m?.[1]?.trim().toLowerCase();
  return word && word.length <= 30 ? word : 'unit';
}

/** "12 Nov" in the facility's zone (with the year when it is not this year's). */
export function shortDay(iso: string, timeZone: string, now: Date): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const year = (d: Date) => new Intl.DateTimeFormat('en-GB', { year: 'numeric', timeZone }).format(d);
  const sameYear = year(at) === year(now);
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }), timeZone }).format(at);
}

export type InvestigationStepKind = 'finding' | 'cleared' | 'illegitimate';

export interface OutcomeFields {
  step: InvestigationStepKind;
  note: string;
  fda3911Date?: string | null | undefined;
  partnerNoticeDate?: string | null | undefined;
}

/** A refusal that names its field, so the screen puts it beside that field. */
export interface FieldProblem {
  field: 'note' | 'fda3911Date' | 'partnerNoticeDate';
  message: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRealDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

const LABELS: Record<FieldProblem['field'], string> = {
  note: 'What was found',
  fda3911Date: 'FDA Form 3911 notification date',
  partnerNoticeDate: 'Trading-partner notice date',
};

/**
 * Checks a step before it is signed. `today` is the facility's local date; `quarantinedOn` the
 * local date the item was quarantined (a notice cannot predate the suspicion). The law's
 * 24 hours run from the determination, which is this signing, so past dates back to the
 * quarantine are accepted and future ones are not (nobody has notified FDA tomorrow).
 */
export function checkStep(f: OutcomeFields, today: string, quarantinedOn: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (f.note.trim().length < 3) {
    const what = f.step === 'finding' ? 'what was checked and found' : f.step === 'cleared' ? 'why the product is legitimate' : 'why the product is illegitimate';
    out.push({ field: 'note', message: `${LABELS.note}: say ${what} (at least 3 characters).` });
  }
  if (f.step !== 'illegitimate') return out;
  for (const field of ['fda3911Date', 'partnerNoticeDate'] as const) {
    const v = (f[field] ?? '').trim();
    const label = LABELS[field];
    if (!v) {
      out.push({
        field,
        message:
          field === 'fda3911Date'
            ? `${label}: required — FDA must be notified on Form 3911 within 24 hours of finding a product illegitimate.`
            : `${label}: required — the trading partners must be notified within 24 hours of finding a product illegitimate.`,
      });
    } else if (!isRealDate(v)) out.push({ field, message: `${label}: a date as YYYY-MM-DD (for example ${today}).` });
    else if (v > today) out.push({ field, message: `${label}: ${v} is in the future; give the day the notice was sent (today is ${today}).` });
    else if (v < quarantinedOn) out.push({ field, message: `${label}: ${v} is before the product was quarantined (${quarantinedOn}).` });
  }
  return out;
}

export const STEP_LABELS: Record<InvestigationStepKind, string> = {
  finding: 'Investigation step',
  cleared: 'Cleared — legitimate',
  illegitimate: 'Illegitimate product',
};
