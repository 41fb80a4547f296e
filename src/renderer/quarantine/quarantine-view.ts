import { REASON_CODES } from '../../shared/ingest/event';
import type { QuarantineItemView } from '../../shared/ipc/ingest-channels';

/** "ndjson:orders.ndjson" → "NDJSON file orders.ndjson"; "pos:dispense" → "POS dispense". */
export function describeSource(source: string): string {
  const [kind = '', ...rest] = source.split(':');
  const detail = rest.join(':');
  switch (kind) {
    case 'ndjson':
      return `NDJSON file ${detail}`;
    case 'edi':
      return `X12 file ${detail}`;
    case 'pos':
      return `POS ${detail}`;
    case 'ui':
      return `form ${detail}`;
    default:
      return source;
  }
}

/** A reason code with its meaning, for people: "INSUFFICIENT_STOCK — more than is on hand". */
export function reasonLabel(code: string): string {
  const known = (REASON_CODES as Record<string, string>)[code];
  if (known) return `${code} — ${known}`;
  if (/^(AK[3459]|IK[345]|TA1):/.test(code)) return `${code} — X12 acknowledgment code`;
  return code;
}

/** Where the item can be fixed: the text it holds, or (kept by reference) none. */
export function replayableText(item: Pick<QuarantineItemView, 'raw_ref'>, raw: { text: string; validUtf8: boolean; truncated: boolean } | null): string | null {
  if (!raw || raw.truncated || !raw.validUtf8) return null;
  return raw.text;
}

/** True when the item's whole original is kept encrypted (POS requests with patient fields). */
export function hasEncryptedOriginal(item: Pick<QuarantineItemView, 'raw_ref'>): boolean {
  return item.raw_ref?.startsWith('phi:') ?? false;
}

export function filterItems(items: readonly QuarantineItemView[], text: string): QuarantineItemView[] {
  const q = text.trim().toLowerCase();
  if (!q) return [...items];
  return items.filter((i) => `${i.id} ${i.source} ${i.reasons.join(' ')} ${i.status} ${i.sha256}`.toLowerCase().includes(q));
}
