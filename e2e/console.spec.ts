import { expect, test } from '@playwright/test';
import { enrollWorkstation, syncOnce } from '../src/main/sync';
import { addFacility, adminCall, appendHold, cleanupAll, enrollmentCode, newWorkstation, prepareServer, raiseFork, spawnServer, tempDir, type ServerDevice } from '../test/sync-faults/helpers';

test.afterAll(async () => {
  await cleanupAll();
});

test('the central console: sign in, see a forked workstation, clear it with a signed decision, see a hold come and go', async ({ browser }, testInfo) => {
  const storage = { dataDir: tempDir('console-e2e') };
  const token = await prepareServer(storage);
  const server = await spawnServer(storage);
  await addFacility(server.url, token, 'MAIN01');
  await adminCall(server.url, token, 'POST', '/v1/admin/console-users', { user_id: 'cofficer', name: 'Dana Compliance', role: 'compliance_officer', password: 'compliance-pw-0001' });
  await adminCall(server.url, token, 'POST', '/v1/admin/console-users', { user_id: 'rmanager', name: 'Rory Region', role: 'regional_manager', password: 'regional-pw-00001' });
  const { ws } = newWorkstation('MAIN01');
  await enrollWorkstation(ws, server.url, await enrollmentCode(server.url, token, 'MAIN01'));
  await raiseFork(server.url, ws);

  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/console`);
  await expect(page.getByRole('heading', { name: 'RxLedger central console' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('1-sign-in.png') });

  // A wrong password is refused with the server's words, and counts toward the lockout.
  await page.getByLabel('User ID').fill('cofficer');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByTestId('console-signin-submit').click();
  await expect(page.getByTestId('console-signin-error')).toContainText('4 attempts left');

  await page.getByLabel('Password').fill('compliance-pw-0001');
  await page.getByTestId('console-signin-submit').click();
  await expect(page.getByTestId('console-whoami')).toHaveText('Dana Compliance · Compliance officer');
  const row = page.getByTestId(`console-device-${ws.deviceId}`);
  await expect(row).toHaveAttribute('data-flagged', 'true');
  await expect(row).toContainText('Blocked: fork at seq 2');
  await page.screenshot({ path: testInfo.outputPath('2-forked-device.png') });

  await page.getByTestId(`console-clear-${ws.deviceId}`).click();
  await page.getByLabel('Reason (what the investigation found)').fill('Store restored an old backup; the forked copy was wiped, the original disk is back.');
  await page.getByLabel('Password of Dana Compliance').fill('wrong-password-here');
  await page.getByTestId('console-clear-sign').click();
  await expect(page.getByTestId('console-clear-error')).toHaveAttribute('data-code', 'BAD_CREDENTIALS');
  await page.getByLabel('Password of Dana Compliance').fill('compliance-pw-0001');
  await page.screenshot({ path: testInfo.outputPath('3-signed-decision.png') });
  await page.getByTestId('console-clear-sign').click();
  await expect(page.getByTestId('console-clear-done')).toContainText(`Workstation ${ws.deviceId} cleared by Dana Compliance`);
  await expect(row).toHaveAttribute('data-flagged', 'false');
  await expect(row).toContainText('Accepted: not blocked');
  await page.screenshot({ path: testInfo.outputPath('4-cleared.png') });

  const devices = (await adminCall<{ devices: ServerDevice[] }>(server.url, token, 'GET', '/v1/admin/devices')).devices;
  expect(devices.find((d) => d.device_id === ws.deviceId)?.flagged).toBe(false);

  // The other views answer too.
  await page.getByTestId('console-nav-stock').click();
  await expect(page.getByTestId('console-stock')).toContainText('00002-1200-30');
  await page.screenshot({ path: testInfo.outputPath('5-stock.png') });
  // A hold placed on a workstation appears after its sync, and goes after the release is synced.
  await page.getByTestId('console-nav-holds').click();
  await expect(page.getByText('No hold is open in any facility.')).toBeVisible();
  const counter = newWorkstation('MAIN01').ws;
  await enrollWorkstation(counter, server.url, await enrollmentCode(server.url, token, 'MAIN01'));
  appendHold(counter, 'HOLD_PLACED', 'H-E2E-1', { ndc: '00406-0552-01', lot: 'L77' });
  await syncOnce(counter);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByTestId('console-holds')).toContainText('00406-0552-01');
  await expect(page.getByTestId('console-holds')).toContainText('L77');
  await page.screenshot({ path: testInfo.outputPath('6-hold-open.png') });
  appendHold(counter, 'HOLD_RELEASED', 'H-E2E-1', { ndc: '00406-0552-01', lot: 'L77' });
  await syncOnce(counter);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByText('No hold is open in any facility.')).toBeVisible();
  await context.close();

  // A regional manager sees the devices but is offered no clear.
  const second = newWorkstation('MAIN01').ws;
  await enrollWorkstation(second, server.url, await enrollmentCode(server.url, token, 'MAIN01'));
  await raiseFork(server.url, second);
  const rm = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const rmPage = await rm.newPage();
  await rmPage.goto(`${server.url}/console/`);
  await rmPage.getByLabel('User ID').fill('rmanager');
  await rmPage.getByLabel('Password').fill('regional-pw-00001');
  await rmPage.getByTestId('console-signin-submit').click();
  await expect(rmPage.locator('tr[data-flagged="true"]')).toHaveCount(1);
  await expect(rmPage.getByRole('button', { name: 'Clear…' })).toHaveCount(0);
  await rmPage.screenshot({ path: testInfo.outputPath('7-regional-manager.png') });
  await rm.close();
});
