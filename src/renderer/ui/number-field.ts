import { parseWholeNumber, type WholeNumber } from '../format/units';

/**
 * A whole number within bounds, typed at the counter (a setting, a number of minutes): the
 * quantity fields' rules (format/units.ts — "abc", "-5", "2.5" refused, each with a sentence
 * that says why) plus the range, named in the message. Empty asks for the number.
 */
export function parseWholeNumberInRange(text: string, what: string, min: number, max: number): WholeNumber {
  const r = parseWholeNumber(text, what, Number.MAX_SAFE_INTEGER);
  if (!r.ok) return r;
  if (r.value < min || r.value > max) return { ok: false, problem: `From ${min} to ${max} ${what} only (got ${r.value}).` };
  return r;
}

/** The message as it reads under a field: a sentence, capitalised, with its full stop. */
export function asSentence(problem: string): string {
  const s = problem.charAt(0).toUpperCase() + problem.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}
