import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, found from this file so tests work from any working directory. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The shared corpora of real data written by others. They sit beside the clone
 * (`../shared/corpora`) in CI and on developer machines, and are absent on a user's fresh clone.
 */
export const corporaDir = process.env.RXLEDGER_CORPORA ?? resolve(repoRoot, '..', 'shared', 'corpora');

export const corporaPresent = existsSync(corporaDir);

/** Why corpus tests are skipped, printed once so a skip never passes silently. */
export const corporaSkipReason = `../shared/corpora not found at ${corporaDir}: corpus tests skipped (they need the shared corpora beside the clone)`;

if (!corporaPresent) console.warn(corporaSkipReason);

export function corpusPath(...parts: string[]): string {
  return join(corporaDir, ...parts);
}
