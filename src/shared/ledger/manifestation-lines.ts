import { manifestationText, type ReasonCode } from '../counts';
import type { LedgerEntryView } from '../schemas/ledger-entry';
import { signaturesListed } from './signature-check';

/**
 * For reports and exports: the manifestation lines of an entry ("Signed by … on … — meaning:
 * …"), read from the entry itself, so any view of the entry can print them. Empty when the
 * entry is not signed.
 */
export function signatureManifestationLines(entry: Pick<LedgerEntryView, 'data'>): string[] {
  const reason = typeof entry.data.reason === 'string' ? (entry.data.reason as ReasonCode) : null;
  return signaturesListed(entry.data).map((m, i) => manifestationText(m, i === 0 ? reason : null));
}
