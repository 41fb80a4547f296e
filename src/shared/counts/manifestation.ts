import { z } from 'zod';
import { MEANING_LABELS, REASON_LABELS, type ReasonCode, type SignatureMeaning } from './reasons';
import { zoneOffsetMinutes } from '../domain/zone-offset';

/**
 * Part 11 §11.50: every signed record shows the printed name of the signer, the date and time
 * of signing with its zone, and the meaning of the signature. These fields are written into
 * the signed entry's own body (data.signatures), so every view and export of the entry carries
 * them, and the entry hash that the signer's key signs covers them.
 */
export const SignatureManifestation = z.object({
  user_id: z.string(),
  printed_name: z.string(),
  /** signer: the pharmacist who signs; cosigner: a second pharmacist; witness: another person. */
  role: z.enum(['signer', 'cosigner', 'witness']),
  meaning: z.enum(['approval', 'review', 'responsibility', 'witness']),
  /** Local time with its UTC offset, e.g. 2026-11-05T09:03:12.000-05:00. */
  signed_at: z.string(),
  /** IANA zone name, e.g. America/New_York. */
  time_zone: z.string(),
  /** The signer's Ed25519 public key, raw 32 bytes in base64. */
  public_key: z.string(),
});
export type SignatureManifestation = z.infer<typeof SignatureManifestation>;

/** A UTC instant as local time with offset in the given zone, using Intl only (pure). */
export function localTimeWithOffset(utc: Date, timeZone: string): string {
  const offsetMin = zoneOffsetMinutes(utc.getTime(), timeZone);
  const local = new Date(utc.getTime() + offsetMin * 60_000);
  const two = (n: number) => String(n).padStart(2, '0');
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const ms = String(utc.getUTCMilliseconds()).padStart(3, '0');
  return (
    `${local.getUTCFullYear()}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())}T` +
    `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}.${ms}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`
  );
}

/**
 * The one-line manifestation every screen, report and export prints:
 * "Signed by Pat Pharmacist (pat) on 2026-11-05 09:03:12 UTC−05:00 (America/New_York) — meaning: Approval".
 */
export function manifestationText(m: Pick<SignatureManifestation, 'user_id' | 'printed_name' | 'role' | 'meaning' | 'signed_at' | 'time_zone'>, reason?: ReasonCode | null): string {
  const who = m.role === 'witness' ? 'Witnessed by' : m.role === 'cosigner' ? 'Co-signed by' : 'Signed by';
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(m.signed_at);
  const when = match ? `${match[1]} ${match[2]} UTC${match[3] === 'Z' ? '' : match[3]!.replace('-', '−')}` : m.signed_at;
  const meaning = MEANING_LABELS[m.meaning as SignatureMeaning] ?? m.meaning;
  return `${who} ${m.printed_name} (${m.user_id}) on ${when} (${m.time_zone}) — meaning: ${meaning}${reason ? ` — reason: ${REASON_LABELS[reason]}` : ''}`;
}
