import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The process boundaries of eslint.config.js (docs/architecture.md) fail on a deliberate
 * violation: each case lints a one-line import as if it stood in the named file.
 */
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: REPO });
});

/** The no-restricted-imports messages for `import … from '<from>'` in the file `file`. */
async function restricted(file: string, from: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import * as m from '${from}';\nexport const used = m;\n`, { filePath: resolve(REPO, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint boundaries between the processes', () => {
  it.each([
    ['src/server/x.ts', '../main/ledger/verify'],
    ['src/server/ledger/x.ts', '../../main/keys/device-key'],
    ['src/server/auth/deeper/x.ts', '../../../main/signatures'],
    ['src/server/x.ts', '../cli/main'],
  ])('the server may not import the workstation: %s importing %s', async (file, from) => {
    expect(await restricted(file, from)).toEqual([expect.stringContaining('src/server does not import src/main')]);
  });

  it.each([
    ['src/main/x.ts', '../server/auth/proofs'],
    ['src/main/sync/x.ts', '../../server/protocol'],
    ['src/main/ledger/deeper/x.ts', '../../../server/ledger/accept-entries'],
    ['src/main/electron/x.ts', '../../server/run'],
  ])('the workstation may not import the server: %s importing %s', async (file, from) => {
    expect(await restricted(file, from)).toEqual([expect.stringContaining('src/main does not import src/server')]);
  });

  it.each([
    ['src/shared/ledger/x.ts', 'node:crypto', 'src/shared must not import Node built-ins'],
    ['src/shared/ledger/x.ts', 'crypto', 'src/shared must not import Node built-ins'],
    ['src/shared/sync/x.ts', '../../main/ledger/crypto', 'src/shared imports only src/shared'],
    ['src/shared/sync/x.ts', '../../server/crypto', 'src/shared imports only src/shared'],
    ['src/renderer/x.tsx', '../main/workstation', 'src/renderer imports nothing from src/main'],
    ['src/renderer/screens/x.tsx', 'node:fs', 'src/renderer imports nothing from src/main'],
    ['src/main/x.ts', 'electron', 'only src/main/electron/ may import electron'],
    ['src/reports-pdf/x.ts', '../main/reports/reader', 'src/reports-pdf imports only src/shared'],
    ['src/reports-pdf/x.ts', '../server/reports/central-report', 'src/reports-pdf imports only src/shared'],
  ])('the other boundaries hold: %s importing %s', async (file, from, message) => {
    expect(await restricted(file, from)).toEqual([expect.stringContaining(message)]);
  });

  it.each([
    ['src/server/x.ts', '../shared/ledger/entry-check'],
    ['src/main/sync/x.ts', '../../shared/sync/protocol'],
    ['src/main/pos/x.ts', './server'],
    ['src/main/electron/x.ts', 'electron'],
    // The PDF writer is shared by the workstation and the server.
    ['src/server/reports/x.ts', '../../reports-pdf/pdf'],
    ['src/main/reports/x.ts', '../../reports-pdf/pdf'],
    // Tests that drive a workstation against a real server import both sides.
    ['src/server/x.test.ts', '../main/workstation'],
  ])('and let the allowed imports through: %s importing %s', async (file, from) => {
    expect(await restricted(file, from)).toEqual([]);
  });
});
