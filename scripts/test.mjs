// `npm test`: every test — unit and integration (Vitest), then end-to-end (Playwright in
// Debian's Chromium against browser mode, and the Electron spec where the runtime exists).
// Ends with one line "N passed, N failed, N skipped" summing both runners.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
let failedStep = null;

function step(name, args, env = {}) {
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) failedStep ??= `${name} (exit ${r.status ?? r.signal})`;
}

const vitestJson = join(results, 'vitest.json');
step('unit and integration tests (vitest)', [
  join(root, 'node_modules', 'vitest', 'vitest.mjs'),
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
]);
if (existsSync(vitestJson)) {
  const v = JSON.parse(readFileSync(vitestJson, 'utf8'));
  totals.passed += v.numPassedTests;
  totals.failed += v.numFailedTests;
  totals.skipped += v.numPendingTests + (v.numTodoTests ?? 0);
}

const chromium = process.env.RXLEDGER_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`end-to-end tests need Chromium at ${chromium} (Debian: apt-get install -y chromium; or set RXLEDGER_CHROMIUM)`);
  failedStep ??= 'end-to-end tests (no Chromium)';
  totals.failed++;
} else {
  const pwJson = join(results, 'playwright.json');
  step('end-to-end tests (playwright)', [join(root, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson,
  });
  if (existsSync(pwJson)) {
    const s = JSON.parse(readFileSync(pwJson, 'utf8')).stats ?? {};
    totals.passed += (s.expected ?? 0) + (s.flaky ?? 0);
    totals.failed += s.unexpected ?? 0;
    totals.skipped += s.skipped ?? 0;
  }
}

if (failedStep) console.error(`\nfailed: ${failedStep}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedStep || totals.failed ? 1 : 0);
