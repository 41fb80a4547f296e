import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (where out/ and resources/ are), found from this file. */
export function repoRootFromHere(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}
