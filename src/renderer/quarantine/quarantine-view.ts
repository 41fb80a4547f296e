import { REASON_CODES } from '../../shared/ingest/event';
import type { QuarantineItemView, QuarantineListItem } from '../../shared/ipc/ingest-channels';
import type { FieldProblem } from '../../shared/quarantine/plain';

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

export function filterItems<T extends QuarantineItemView & Partial<Pick<QuarantineListItem, 'summary'>>>(items: readonly T[], text: string): T[] {
  const q = text.trim().toLowerCase();
  if (!q) return [...items];
  return items.filter((i) => {
    const s = i.summary;
    const plain = s ? `${s.drug_name ?? ''} ${s.ndc ?? ''} ${s.lot ?? ''} ${s.serial ?? ''} ${s.plain_reasons.join(' ')}` : '';
    return `${i.id} ${i.source} ${i.reasons.join(' ')} ${i.status} ${i.sha256} ${plain}`.toLowerCase().includes(q);
  });
}

/** What the status column says: the investigation's state first for a suspect product. */
export function statusLabel(i: Pick<QuarantineListItem, 'status' | 'summary'>): string {
  if (i.summary.suspect) {
    if (i.summary.investigation === 'illegitimate') return 'Illegitimate — rejected';
    if (i.summary.investigation === 'cleared') return i.status === 'open' ? 'Cleared — decide replay or reject' : `Cleared — ${i.status}`;
    return i.summary.investigation === 'investigating' ? 'Suspect — under investigation' : 'Suspect — investigate';
  }
  return i.status === 'open' ? 'Waiting for a decision' : i.status === 'replayed' ? 'Replayed' : 'Rejected';
}

const FIELD_PREFIXES: Array<[string, FieldProblem['field']]> = [
  ['What was found', 'note'],
  ['FDA Form 3911 notification date', 'fda3911Date'],
  ['Trading-partner notice date', 'partnerNoticeDate'],
];

/**
 * The field a workstation refusal is about: its messages begin with the field's label (the
 * same words as the form's, from src/shared/quarantine/plain.ts), so it goes beside that field.
 */
export function fieldOfMessage(message: string): FieldProblem['field'] | 'password' | null {
  for (const [prefix, field] of FIELD_PREFIXES) if (message.startsWith(prefix)) return field;
  if (/password/i.test(message)) return 'password';
  return null;
}
