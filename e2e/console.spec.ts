import { expect, test } from '@playwright/test';
import { enrollWorkstation, syncOnce } from '../src/main/sync';
import { addFacility, adminCall, appendEntries, appendHold, cleanupAll, enrollmentCode, newWorkstation, prepareServer, raiseFork, spawnServer, tempDir, type ServerDevice } from '../test/sync-faults/helpers';

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
  // In dosage units with the unit beside the figure; these test entries name none, so "units".
  await expect(page.getByTestId('console-stock').locator('tbody td.num').first()).toHaveText(/^-?\d[\d,]* units?$/);
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
  await expect(rmPage.getByRole('button', { name: 'Retire…' })).toHaveCount(0);
  await expect(rmPage.getByTestId('console-nav-users')).toHaveCount(0);
  await rmPage.screenshot({ path: testInfo.outputPath('7-regional-manager.png') });
  await rm.close();
});

test('the central console: health counts over a threshold, retire a workstation, make an enrollment code, manage users', async ({ browser }, testInfo) => {
  const storage = { dataDir: tempDir('console-e2e-admin') };
  const token = await prepareServer(storage);
  const server = await spawnServer(storage);
  await addFacility(server.url, token, 'MAIN01');
  await adminCall(server.url, token, 'POST', '/v1/admin/console-users', { user_id: 'root', name: 'Ari Admin', role: 'administrator', password: 'admin-console-pw-1' });
  // A workstation with a suspect product and another quarantined item, reported with its pushes.
  const { ws } = newWorkstation('MAIN01');
  await enrollWorkstation(ws, server.url, await enrollmentCode(server.url, token, 'MAIN01'));
  for (const reasons of [['DUPLICATE_SERIAL'], ['BAD_LOT']]) {
    ws.quarantine.put({ source: 'scan:receiving', raw: Buffer.from('x'), reasons, issues: [], correlationId: 'c', receivedAt: new Date().toISOString() });
  }
  appendEntries(ws, 2);
  await syncOnce(ws, { batchSize: 1 });

  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/console/`);
  await page.getByLabel('User ID').fill('root');
  await page.getByLabel('Password').fill('admin-console-pw-1');
  await page.getByTestId('console-signin-submit').click();
  const row = page.getByTestId(`console-device-${ws.deviceId}`);
  await expect(page.getByTestId(`console-quarantine-${ws.deviceId}`)).toHaveText('2');
  await expect(page.getByTestId(`console-suspect-${ws.deviceId}`)).toHaveText('1');
  await expect(row).toHaveAttribute('data-over', 'false');

  // A global threshold: any open suspect investigation is over it; a bad value is refused beside its field.
  await page.getByTestId('console-nav-thresholds').click();
  await page.getByLabel('Open DSCSA suspect investigations').fill('-1');
  await page.getByTestId('console-thresholds-save').click();
  await expect(page.getByTestId('threshold-suspect_open-error')).toBeVisible();
  await page.getByLabel('Open DSCSA suspect investigations').fill('0');
  await page.getByLabel('Quarantined items awaiting a decision').fill('5');
  await page.getByTestId('console-thresholds-save').click();
  await expect(page.getByTestId('console-thresholds-saved')).toContainText('every facility');
  await page.screenshot({ path: testInfo.outputPath('a1-thresholds.png') });
  await page.getByTestId('console-nav-devices').click();
  await expect(row).toHaveAttribute('data-over', 'true');
  await expect(page.getByTestId(`console-suspect-${ws.deviceId}`)).toHaveAttribute('data-over', 'true');
  await expect(page.getByTestId(`console-quarantine-${ws.deviceId}`)).toHaveAttribute('data-over', 'false');
  await expect(page.getByTestId('console-facility-alerts-MAIN01')).toContainText('1 suspect open (over 0)');
  await page.screenshot({ path: testInfo.outputPath('a2-over-threshold.png') });

  // Retire it: a wrong password is refused, then the signed decision; its sync is refused from then on.
  await page.getByTestId(`console-retire-${ws.deviceId}`).click();
  await page.getByLabel('Reason for retiring (what the investigation found)').fill('Stolen in a break-in (police report 2026-114); replaced by a new workstation.');
  await page.getByLabel('Password of Ari Admin (to sign)').fill('wrong-password-here');
  await page.getByTestId('console-retire-sign').click();
  await expect(page.getByTestId('console-retire-error')).toHaveAttribute('data-code', 'BAD_CREDENTIALS');
  await expect(row).toHaveAttribute('data-retired', 'false');
  await page.getByLabel('Password of Ari Admin (to sign)').fill('admin-console-pw-1');
  await page.screenshot({ path: testInfo.outputPath('a3-retire-form.png') });
  await page.getByTestId('console-retire-sign').click();
  await expect(page.getByTestId('console-clear-done')).toContainText(`Workstation ${ws.deviceId} retired by Ari Admin`);
  await expect(row).toHaveAttribute('data-retired', 'true');
  await expect(row).toContainText('Retired');
  await expect(page.getByTestId(`console-retire-${ws.deviceId}`)).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('a4-retired.png') });
  appendEntries(ws, 1);
  await expect(syncOnce(ws)).rejects.toMatchObject({ code: 'DEVICE_RETIRED' });

  // An enrollment code made in the console, shown once, enrolls a workstation once.
  await page.getByTestId('console-nav-codes').click();
  await page.getByLabel('Facility').selectOption('MAIN01');
  await page.getByLabel('Valid for (hours)').fill('24');
  await page.getByTestId('console-code-make').click();
  const code = (await page.getByTestId('console-code-value').textContent())!.trim();
  expect(code).toMatch(/^[A-Z2-7]{8}-[A-Z2-7]{24}$/);
  await page.screenshot({ path: testInfo.outputPath('a5-code-made.png') });
  const codeId = code.split('-')[0]!;
  await expect(page.getByTestId(`console-code-${codeId}`)).toHaveAttribute('data-status', 'unused');
  const fresh = newWorkstation('MAIN01').ws;
  await enrollWorkstation(fresh, server.url, code);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByTestId(`console-code-${codeId}`)).toHaveAttribute('data-status', 'used');
  await expect(page.getByTestId('console-codes')).not.toContainText(code.split('-')[1]!);

  // Users: a weak temporary password is refused beside its field; the new user must choose their own.
  await page.getByTestId('console-nav-users').click();
  await page.getByLabel('User ID').fill('newbie');
  await page.getByLabel('Printed name').fill('Nia Newbie');
  await page.getByLabel('Role').selectOption('compliance_officer');
  await page.getByLabel('Temporary password', { exact: true }).fill('short');
  await page.getByTestId('console-user-add-submit').click();
  await expect(page.getByTestId('user-password-error')).toContainText('at least 10 characters');
  await page.screenshot({ path: testInfo.outputPath('a6-user-refused.png') });
  await page.getByLabel('Temporary password', { exact: true }).fill('temporary-pw-123');
  await page.getByTestId('console-user-add-submit').click();
  await expect(page.getByTestId('console-users-done')).toContainText('Nia Newbie (newbie) added');
  await expect(page.getByTestId('console-user-newbie')).toContainText('Must choose a password');

  const nc = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const np = await nc.newPage();
  await np.goto(`${server.url}/console/`);
  await np.getByLabel('User ID').fill('newbie');
  await np.getByLabel('Password').fill('temporary-pw-123');
  await np.getByTestId('console-signin-submit').click();
  await expect(np.getByRole('heading', { name: 'Choose your own password' })).toBeVisible();
  await np.getByLabel('Current password').fill('temporary-pw-123');
  await np.getByLabel('New password', { exact: true }).fill('short');
  await np.getByLabel('New password again').fill('short');
  await np.getByTestId('console-passwd-submit').click();
  await expect(np.getByTestId('passwd-new-error')).toContainText('at least 10 characters');
  await np.screenshot({ path: testInfo.outputPath('a7-forced-change.png') });
  await np.getByLabel('Current password').fill('temporary-pw-123');
  await np.getByLabel('New password', { exact: true }).fill('nias-own-password');
  await np.getByLabel('New password again').fill('nias-own-password');
  await np.getByTestId('console-passwd-submit').click();
  await expect(np.getByTestId('console-whoami')).toHaveText('Nia Newbie · Compliance officer');

  // Disabled by the administrator: the session ends at its next request.
  await page.getByTestId('console-user-disable-newbie').click();
  await expect(page.getByTestId('console-user-newbie')).toHaveAttribute('data-disabled', 'true');
  await page.screenshot({ path: testInfo.outputPath('a8-users.png') });
  await np.getByTestId('console-nav-holds').click();
  await expect(np.getByTestId('console-notice')).toContainText('session ended');
  await np.getByLabel('User ID').fill('newbie');
  await np.getByLabel('Password').fill('nias-own-password');
  await np.getByTestId('console-signin-submit').click();
  await expect(np.getByTestId('console-signin-error')).toHaveAttribute('data-code', 'DISABLED');
  await nc.close();
  await context.close();
});
