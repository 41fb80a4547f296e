import type { TransactionResult } from './envelope';
import { map846 } from './map-846';
import { map852 } from './map-852';
import { map856 } from './map-856';
import type { EdiRecord } from './records';

/**
 * Maps one transaction set to records; [] for a type we do not read. Runs on rejected sets
 * too, so the quarantine can show what a bad set contained; commit only `tx.valid` ones.
 */
export function mapTransaction(tx: TransactionResult, component: string | null = null): EdiRecord[] {
  switch (tx.type) {
    case '852':
      return map852(tx);
    case '846':
      return map846(tx, component);
    case '856':
      return map856(tx);
    default:
      return [];
  }
}
