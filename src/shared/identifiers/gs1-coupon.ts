/**
 * The North American coupon codes of AIs 8110 and 8112 (GS1 US Coupon Application Guideline), as
 * GS1's reference linters `couponcode` and `couponposoffer` read them, field by field. Each
 * function gives what is wrong as a predicate ("is a coupon code with …"), or null.
 */
import { parseGs1Date } from './gs1-date';

/** Reads the fixed and variable-length fields of a coupon, digit by digit. */
class CouponReader {
  at = 0;
  constructor(readonly text: string) {}
  get left(): number {
    return this.text.length - this.at;
  }
  /** One digit, which must be one of `allowed`; a problem string otherwise. */
  digit(field: string, allowed: string): number | string {
    if (this.left < 1) return `no ${field}`;
    const d = this.text[this.at]!;
    if (!allowed.includes(d)) return `an invalid ${field} ${d}`;
    this.at++;
    return Number(d);
  }
  /** A field of `n` digits; null when the data ends first. */
  field(n: number): string | null {
    if (this.left < n) return null;
    const s = this.text.slice(this.at, this.at + n);
    this.at += n;
    return s;
  }
  /**
   * A length digit (one of `allowed`), then that many digits plus six: the guideline's
   * variable-length fields (company prefix, serial number, …). `none` is a length digit that
   * stands for an absent field.
   */
  sized(field: string, allowed: string, none?: number): string | null {
    const vli = this.digit(`${field} length`, allowed);
    if (typeof vli === 'string') return vli;
    if (vli === none) return null;
    return this.field(vli + 6) === null ? `a ${field} cut short` : null;
  }
}

/**
 * A purchase requirement: its length digit (1–5), the requirement, its code (0–4 or 9) and its
 * three-digit family code. Shared by the first, second and third purchases of AI 8110.
 */
function purchaseProblem(r: CouponReader, which: string): string | null {
  const vli = r.digit(`${which} purchase requirement length`, '12345');
  if (typeof vli === 'string') return vli;
  if (r.field(vli) === null) return `a ${which} purchase requirement cut short`;
  const code = r.digit(`${which} purchase requirement code`, '012349');
  if (typeof code === 'string') return code;
  if (r.field(3) === null) return `a ${which} purchase family code cut short`;
  return null;
}

/**
 * AI 8110, the North American coupon code: company prefix, offer code, save value and first
 * purchase, then optional fields each introduced by its indicator (1, 2, 3, 4, 5, 6, 9), each at
 * most once and in that order.
 */
export function couponCodeProblem(text: string, now: Date): string | null {
  if (!/^\d*$/.test(text)) return 'is a coupon code with a character other than a digit';
  const r = new CouponReader(text);
  const problem = (p: string) => `is a coupon code with ${p}`;
  let p = r.sized('primary company prefix', '0123456');
  if (p) return problem(p);
  if (r.field(6) === null) return problem('an offer code cut short');
  const save = r.digit('save value length', '12345');
  if (typeof save === 'string') return problem(save);
  if (r.field(save) === null) return problem('a save value cut short');
  p = purchaseProblem(r, 'first');
  if (p) return problem(p);
  let expiry: string | null = null;
  let last = 0;
  while (r.left > 0) {
    const indicator = Number(text[r.at]);
    if (![1, 2, 3, 4, 5, 6, 9].includes(indicator) || indicator <= last) return problem(`data after its last field (indicator ${indicator} repeated, out of order or unknown)`);
    r.at++;
    last = indicator;
    if (indicator === 1) {
      const rules = r.digit('additional purchase rules code', '0123');
      if (typeof rules === 'string') return problem(rules);
      p = purchaseProblem(r, 'second') ?? r.sized('second purchase company prefix', '01234569', 9);
    } else if (indicator === 2) {
      p = purchaseProblem(r, 'third') ?? r.sized('third purchase company prefix', '01234569', 9);
    } else if (indicator === 3 || indicator === 4) {
      const which = indicator === 3 ? 'an expiry date' : 'a start date';
      const date = r.field(6);
      if (date === null) return problem(`${which} cut short`);
      if (!parseGs1Date(date, 'yymmdd', now).ok) return problem(`${which} ${date} that is not a real date`);
      // As GS1's reference linter compares them: the six digits as they stand.
      if (indicator === 4 && expiry !== null && date > expiry) return problem(`a start date ${date} after its expiry date ${expiry}`);
      if (indicator === 3) expiry = date;
    } else if (indicator === 5) {
      p = r.sized('serial number', '0123456789');
    } else if (indicator === 6) {
      p = r.sized('retailer company prefix or GLN', '1234567');
    } else {
      for (const [field, allowed] of [['save value code', '01256'], ['save value applies-to-item', '012'], ['store coupon flag', '0123456789'], ["don't-multiply flag", '01']] as const) {
        const d = r.digit(field, allowed);
        if (typeof d === 'string') return problem(d);
      }
    }
    if (p) return problem(p);
  }
  return null;
}

/**
 * AI 8112, the paperless coupon's positive offer file: format code (0 or 1), funder company
 * prefix (6 + length digit), offer code (6), serial number (6 + length digit), nothing after.
 */
export function couponPositiveOfferProblem(text: string): string | null {
  if (!/^\d*$/.test(text)) return 'is a coupon code with a character other than a digit';
  const r = new CouponReader(text);
  const problem = (p: string) => `is a positive offer coupon code with ${p}`;
  const format = r.digit('format code', '01');
  if (typeof format === 'string') return problem(format);
  const p = r.sized('funder id', '0123456') ?? (r.field(6) === null ? 'an offer code cut short' : null) ?? r.sized('serial number', '0123456789');
  if (p) return problem(p);
  return r.left > 0 ? problem('data after its serial number') : null;
}
