import { parseNdc } from '../../shared/identifiers/ndc';

export type NdcFilter = { ok: true; ndc: string | undefined } | { ok: false; message: string };

/**
 * The ledger stores the 11-digit 5-4-2 form (12-digit where no 11-digit form exists), so what
 * the user typed is normalized first; an ambiguous hyphenless 10-digit NDC gets the parser's
 * explanation instead of a silently empty list.
 */
export function ndcFilterFrom(text: string): NdcFilter {
  if (text.trim() === '') return { ok: true, ndc: undefined };
  const parsed = parseNdc(text);
  if (!parsed.ok) return { ok: false, message: parsed.error };
  return { ok: true, ndc: parsed.ndc11 ?? parsed.ndc12 };
}

export function verifySummary(checked: number): string {
  return `Ledger verified: ${checked} ${checked === 1 ? 'entry' : 'entries'}, every hash and signature holds`;
}
