/**
 * Keys that name patient data, wherever they appear in a body: a patient's name, birth date,
 * address, phone, e-mail, SSN or record number. POS requests keep patient data under `patient`
 * only (encrypted at rest); any such key elsewhere is treated as PHI too.
 */
export const PHI_KEY = /patient|name|dob|birth|address|phone|ssn|email|mrn/i;

export const REDACTED = '[redacted: kept encrypted in the PHI store]';

/**
 * A copy of a parsed body fit to keep in clear: every value under a PHI-like key, at any depth,
 * and every value in `encryptValuesUnder` objects (free text) replaced by a marker. The
 * original bytes go to the PHI store, encrypted.
 */
export function redactPhi(value: unknown, encryptValuesUnder: readonly string[] = []): unknown {
  if (Array.isArray(value)) return value.map((v) => redactPhi(v, encryptValuesUnder));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (isTokenOnly(v)) out[k] = v;
    else if (PHI_KEY.test(k)) out[k] = v === null ? null : REDACTED;
    else if (encryptValuesUnder.includes(k) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = Object.fromEntries(Object.keys(v).map((mk) => [mk, REDACTED]));
    } else out[k] = redactPhi(v, encryptValuesUnder);
  }
  return out;
}

/** `{ token: "pt_…" }`: a patient token (a keyed hash) is what the ledger keeps instead of the patient. */
function isTokenOnly(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { token?: unknown }).token === 'string' && /^pt_[0-9a-f]{32}$/.test((v as { token: string }).token);
}
