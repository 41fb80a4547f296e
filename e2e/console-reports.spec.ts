import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { enrollWorkstation, syncOnce } from '../src/main/sync';
import { receipt } from '../src/testing/temp-workstation';
import { addFacility, adminCall, cleanupAll, enrollmentCode, newWorkstation, prepareServer, spawnServer, tempDir } from '../test/sync-faults/helpers';

test.afterAll(async () => {
  await cleanupAll();
});

test('the central console: a facility’s CII log computed by the server, downloaded as CSV, naming the signed-in user', async ({ browser }, testInfo) => {
  const storage = { dataDir: tempDir('console-reports-e2e') };
  const token = await prepareServer(storage);
  const server = await spawnServer(storage);
  await addFacility(server.url, token, 'MAIN01');
  await adminCall(server.url, token, 'POST', '/v1/admin/console-users', { user_id: 'cofficer', name: 'Dana Compliance', role: 'compliance_officer', password: 'compliance-pw-0001' });
  const { ws } = newWorkstation('MAIN01');
  await enrollWorkstation(ws, server.url, await enrollmentCode(server.url, token, 'MAIN01'));
  ws.ledger.append([receipt({ ndc: '00002-1200-30', lot: 'A1', quantity: 100, delta: 100, event_time: '2026-11-01T14:00:00.000Z' })]);
  await syncOnce(ws);

  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${server.url}/console`);
  await page.getByLabel('User ID').fill('cofficer');
  await page.getByLabel('Password').fill('compliance-pw-0001');
  await page.getByTestId('console-signin-submit').click();
  await expect(page.getByTestId('console-whoami')).toHaveText('Dana Compliance · Compliance officer');

  await page.getByTestId('console-nav-reports').click();
  await expect(page.getByTestId('console-report-facility')).toHaveValue('MAIN01');
  await page.getByTestId('console-report-kind').selectOption('cii-log');
  await page.getByTestId('console-report-from').fill('2026-11-01');
  await page.getByTestId('console-report-to').fill('2026-11-30');
  await page.screenshot({ path: testInfo.outputPath('1-reports.png') });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('console-report-download').click()]);
  expect(download.suggestedFilename()).toBe('rxledger-cii-log-MAIN01-2026-11-01_2026-11-30.csv');
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv).toContain('by Dana Compliance (cofficer)');
  expect(csv).toMatch(/\r\nline,/);
  await expect(page.getByTestId('console-report-done')).toContainText('sha256');

  // A period that ends before it starts is refused in the server's words.
  await page.getByTestId('console-report-kind').selectOption('form106');
  await page.getByTestId('console-report-from').fill('2026-11-30');
  await page.getByTestId('console-report-to').fill('2026-11-01');
  await page.getByTestId('console-report-download').click();
  await expect(page.getByTestId('console-report-error')).toContainText('the period is empty');
  await page.screenshot({ path: testInfo.outputPath('2-refused.png') });
  await context.close();
});
