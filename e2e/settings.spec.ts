import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { addFacility, cleanupAll, enrollmentCode, prepareServer, spawnServer, tempDir } from '../test/sync-faults/helpers';
import { repoRoot, rxledger, signIn, startStation, typeWhileHeld } from './fixtures';

test.afterAll(async () => {
  await cleanupAll();
});

/** A screenshot in the test's output folder, attached to the test's result as an artifact. */
async function shot(page: Page, name: string, fullPage = false) {
  const path = test.info().outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage });
  await test.info().attach(name, { path, contentType: 'image/png' });
}

test('Settings says there is no USB access and keeps working; an administrator changes the idle logoff', async ({ page }) => {
  // A station start and two scrypt sign-ins: on a machine shared with other suites that alone has taken over 60 s.
  test.setTimeout(180_000);
  const station = await startStation({ seed: ({ addUser }) => addUser('tina', 'technician', 'technician-pass-1') });
  try {
    await page.goto(station.url);
    await signIn(page, 'admin', 'admin-password-e2e');
    await page.getByTestId('nav-settings').click();
    // This machine has no USB bus: the screen says so, and the rest of the workstation works.
    await expect(page.getByTestId('settings-usb')).toHaveAttribute('data-available', 'false');
    // One reason and one sentence on what still works (it used to say that twice, with "..").
    await expect(page.getByTestId('settings-usb')).toHaveText(/^No USB access[:(][^]*[^.]\. Scanners in keyboard mode still work on the Receiving and Counts screens\.$/);
    await page.getByTestId('settings-rescan').click();
    await expect(page.getByTestId('settings-usb')).toHaveAttribute('data-available', 'false');
    await expect(page.getByTestId('settings-workstation')).toContainText('MAIN01');
    await page.getByTestId('settings-pos-show').click();
    await expect(page.getByTestId('settings-pos')).toContainText(station.asAdmin(['pos-token']).stdout.trim());
    await expect(page.getByTestId('settings-idle')).toHaveValue(/^\d+$/);
    await page.getByTestId('settings-idle').fill('5');
    await page.getByTestId('settings-idle-save').click();
    await expect(page.getByTestId('settings-idle-saved')).toContainText('5 idle minutes');
    await expect(page.getByTestId('settings-idle-problem')).toHaveCount(0);
    await page.getByTestId('sign-out').click();

    await signIn(page, 'tina', 'technician-pass-1');
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('settings-idle')).toHaveValue('5');
    await expect(page.getByTestId('settings-idle')).toBeDisabled();
    await page.getByTestId('nav-inventory').click();
    await expect(page.getByTestId('stock-empty')).toBeVisible();
  } finally {
    await station.stop();
  }
});

test.describe('set-up without a terminal (1366 × 768)', () => {
  test.use({ viewport: { width: 1366, height: 768 } });

  test('an administrator adds a user (the same ID twice is refused at the field), the new user must choose a password, and a disabled user cannot sign in', async ({ page }) => {
    const station = await startStation({});
    try {
      await page.goto(station.url);
      await signIn(page, 'admin', 'admin-password-e2e');
      await page.getByTestId('nav-settings').click();
      const panel = page.getByTestId('users-panel');
      await expect(panel.getByTestId('users-row').filter({ hasText: 'admin' }).first()).toBeVisible();
      const before = await panel.getByTestId('users-row').count();
      await page.getByTestId('users-userId').fill('rita');
      await page.getByTestId('users-name').fill('Rita Lee, RPh');
      await page.getByTestId('users-role').selectOption('pharmacist');
      await page.getByTestId('users-password').fill('temporary-pass-1');
      await page.getByTestId('users-add').click();
      await expect(page.getByTestId('users-done')).toContainText('Added rita');
      await expect(panel.getByTestId('users-row').filter({ hasText: 'rita' })).toContainText('Must choose a password');

      // The same ID again: said beside the user ID, focused, nothing added.
      await page.getByTestId('users-userId').fill('rita');
      await page.getByTestId('users-name').fill('Rita Other');
      await page.getByTestId('users-password').fill('temporary-pass-2');
      await page.getByTestId('users-add').click();
      await expect(page.getByTestId('users-userId-problem')).toContainText('already exists');
      await expect(page.getByTestId('users-userId')).toBeFocused();
      await expect(page.getByTestId('users-userId')).toHaveAttribute('aria-invalid', 'true');
      await expect(panel.getByTestId('users-row')).toHaveCount(before + 1);
      await shot(page, 'users-duplicate', true);

      await panel.getByTestId('users-row').filter({ hasText: 'rita' }).getByTestId('users-disable').click();
      await expect(panel.getByTestId('users-row').filter({ hasText: 'rita' })).toContainText('Disabled');
      await page.getByTestId('sign-out').click();
      await signIn(page, 'rita', 'temporary-pass-1');
      await expect(page.getByText('This account is disabled')).toBeVisible();
    } finally {
      await station.stop();
    }
  });
});

test.describe('trading partners (1366 × 768)', () => {
  test.use({ viewport: { width: 1366, height: 768 } });

  test('an administrator lists the EDI senders and handler IDs the gate takes; a sender ID too long for ISA06 is refused at its field', async ({ page }) => {
    const station = await startStation({});
    try {
      await page.goto(station.url);
      await signIn(page, 'admin', 'admin-password-e2e');
      // The stored lists are slow to come: what is typed meanwhile is not replaced by them.
      await typeWhileHeld(page, 'settings.partners', () => page.getByTestId('nav-settings').click(), page.getByTestId('partners-save'), page.getByTestId('partners-edi'), 'ACMEDRUG\nTHIS-SENDER-ID-IS-TOO-LONG');
      await expect(page.getByTestId('partners-edi')).toHaveValue('ACMEDRUG\nTHIS-SENDER-ID-IS-TOO-LONG');
      await page.getByTestId('partners-handlers').fill('erp:7');
      await page.getByTestId('partners-save').click();
      await expect(page.getByTestId('partners-edi-problem')).toContainText('THIS-SENDER-ID-IS-TOO-LONG');
      await expect(page.getByTestId('partners-edi-problem')).toContainText('at most 15 characters');
      await expect(page.getByTestId('partners-edi')).toBeFocused();
      await page.getByTestId('partners-edi').fill('ACMEDRUG\nCARDINAL01');
      await page.getByTestId('partners-save').click();
      await expect(page.getByTestId('partners-saved')).toBeVisible();
      await shot(page, 'partners', true);
      const shown = station.cli(['ingest', '--settings', '--json']);
      expect(shown.stdout).toContain('ACMEDRUG');
      expect(shown.stdout).toContain('erp:7');
    } finally {
      await station.stop();
    }
  });
});

test.describe('registrant, drug catalog and central server from Settings (1366 × 768)', () => {
  test.use({ viewport: { width: 1366, height: 768 } });
  const sample = (f: string) => ({ name: f, mimeType: 'text/plain', buffer: readFileSync(join(repoRoot, 'resources', 'catalog', f)) });

  test('an administrator sets the registrant (a wrong check digit refused at its field) and imports the FDA sample (a file of the wrong kind refused at the field, nothing imported)', async ({ page }) => {
    const station = await startStation({ testData: false });
    try {
      await page.goto(station.url);
      await signIn(page, 'admin', 'admin-password-e2e');
      // The stored registrant is slow to come (a busy workstation): what the administrator types
      // meanwhile must not be replaced by it when it arrives.
      await typeWhileHeld(page, 'reports.registrant', () => page.getByTestId('nav-settings').click(), page.getByTestId('registrant-save'), page.getByTestId('registrant-name'), 'Main Street Pharmacy');
      await expect(page.getByTestId('registrant-panel-problem')).toContainText('DEA registration number');
      await expect(page.getByTestId('registrant-name')).toHaveValue('Main Street Pharmacy');
      await page.getByTestId('registrant-address').fill('1 Main Street, Springfield, IL 62701');
      await page.getByTestId('registrant-deaNumber').fill('ab1234564');
      await page.getByTestId('registrant-save').click();
      await expect(page.getByTestId('registrant-deaNumber-problem')).toContainText('check digit');
      await expect(page.getByTestId('registrant-deaNumber')).toBeFocused();
      await expect(page.getByTestId('registrant-deaNumber')).toHaveAttribute('aria-invalid', 'true');
      expect(JSON.parse(rxledger(['facility', 'show', '--json', '--data', station.dataDir]).stdout)).toMatchObject({ dea_number: null });
      await shot(page, 'registrant-refused');
      await page.getByTestId('registrant-deaNumber').fill('AB1234563');
      await page.getByTestId('registrant-save').click();
      await expect(page.getByTestId('registrant-saved')).toBeVisible();
      await expect(page.getByTestId('registrant-panel-problem')).toHaveCount(0);
      await expect(page.getByTestId('settings-workstation')).toContainText('AB1234563');
      expect(JSON.parse(station.cli(['facility', 'show', '--json']).stdout)).toMatchObject({ name: 'Main Street Pharmacy', dea_number: 'AB1234563', problem: null });
      // Reports shows it read-only, and leads back here to change it.
      await page.getByTestId('nav-reports').click();
      await expect(page.getByTestId('registrant-summary')).toContainText('Main Street Pharmacy · 1 Main Street, Springfield, IL 62701 · DEA AB1234563');
      await expect(page.getByTestId('registrant').locator('input')).toHaveCount(0);
      await shot(page, 'reports-registrant');
      await page.getByTestId('registrant-edit').click();
      await expect(page.getByTestId('nav-settings')).toHaveAttribute('aria-current', 'page');
      await expect(page.getByTestId('registrant-deaNumber')).toHaveValue('AB1234563');
      await expect(page.getByTestId('registrant-name')).toBeFocused();
      await expect(page.getByTestId('registrant-name')).toBeInViewport();

      // A shipment file chosen with the catalog: refused beside the field, nothing imported.
      await page.getByTestId('catalog-files').setInputFiles([sample('fda_product_sample.txt'), { name: 'shipment.edi', mimeType: 'text/plain', buffer: Buffer.from('ISA*00*          *00*          *ZZ*ACME           *ZZ*PHARMACY       *260101*1200*U*00401*000000001*0*P*>~\n') }]);
      await page.getByTestId('catalog-import').click();
      await expect(page.getByTestId('catalog-files-problem')).toContainText('The file "shipment.edi" is not a drug catalog file');
      await expect(page.getByTestId('catalog-files-problem')).toContainText('Nothing was imported');
      await expect(page.getByTestId('catalog-files')).toHaveAttribute('aria-invalid', 'true');
      expect(rxledger(['catalog', 'search', 'Quinidine', '--data', station.dataDir]).status).toBe(1);
      await shot(page, 'catalog-wrong-file');

      await page.getByTestId('catalog-files').setInputFiles([sample('fda_package_sample.txt'), sample('fda_product_sample.txt')]);
      await page.getByTestId('catalog-import').click();
      await expect(page.getByTestId('catalog-phase')).toContainText('Done: 2 files');
      await expect(page.getByTestId('catalog-progress')).toHaveAttribute('aria-valuenow', '100');
      const results = page.getByTestId('catalog-file-result');
      await expect(results.nth(0)).toContainText('fda_package_sample.txt (FDA package.txt): 0 products, 1 packages, 0 skipped; 1 added');
      await expect(results.nth(1)).toContainText('fda_product_sample.txt (FDA product.txt): 2 products, 0 packages, 0 skipped; 2 added');
      await expect(page.getByTestId('catalog-files-problem')).toHaveCount(0);
      await page.getByTestId('catalog-summary').scrollIntoViewIfNeeded();
      await shot(page, 'catalog-imported');
      await shot(page, 'settings-full', true);
      expect(station.cli(['catalog', 'show', '0002-0800-01']).stdout).toContain('Sterile Diluent');
      const imports = JSON.parse(station.cli(['catalog', 'imports', '--json']).stdout) as { imported_by: string }[];
      expect(imports.map((i) => i.imported_by)).toEqual(['admin', 'admin']);
    } finally {
      await station.stop();
    }
  });

  test('a manager enrolls the workstation: a bad address, an unreachable server and a wrong code are refused at their fields; then the state shows the server, device and last sync', async ({ page }) => {
    const storage = { dataDir: tempDir('settings-enroll') };
    const token = await prepareServer(storage);
    const server = await spawnServer(storage);
    await addFacility(server.url, token, 'MAIN01');
    const code = await enrollmentCode(server.url, token, 'MAIN01');
    const station = await startStation({ testData: false, seed: ({ addUser }) => addUser('manny', 'manager', 'manager-pass-1') });
    try {
      await page.goto(station.url);
      await signIn(page, 'manny', 'manager-pass-1');
      await page.getByTestId('nav-settings').click();
      await expect(page.getByTestId('enrollment-state')).toHaveAttribute('data-state', 'not-enrolled');

      await page.getByTestId('enroll-serverUrl').fill('central.example');
      await page.getByTestId('enroll-code').fill(code);
      await page.getByTestId('enroll-submit').click();
      await expect(page.getByTestId('enroll-serverUrl-problem')).toContainText(/not a web address/i);
      await expect(page.getByTestId('enroll-serverUrl')).toBeFocused();

      // Nothing listens on port 9 of 127.0.0.1 here (discard): the server cannot be reached.
      await page.getByTestId('enroll-serverUrl').fill('http://127.0.0.1:9');
      await page.getByTestId('enroll-submit').click();
      await expect(page.getByTestId('enroll-serverUrl-problem')).toContainText('unreachable', { timeout: 30_000 });

      await page.getByTestId('enroll-serverUrl').fill(server.url);
      await page.getByTestId('enroll-code').fill(`${code.slice(0, 9)}${code.slice(9).split('').reverse().join('')}`);
      await page.getByTestId('enroll-submit').click();
      await expect(page.getByTestId('enroll-code-problem')).toContainText('not one this server issued');
      await expect(page.getByTestId('enroll-code-problem')).toContainText('This workstation was not enrolled');
      await expect(page.getByTestId('enroll-code')).toBeFocused();
      await expect(page.getByTestId('enrollment-state')).toHaveAttribute('data-state', 'not-enrolled');
      await shot(page, 'enroll-wrong-code');

      await page.getByTestId('enroll-code').fill(code);
      await page.getByTestId('enroll-submit').click();
      await expect(page.getByTestId('enroll-done')).toBeVisible();
      await expect(page.getByTestId('enrollment-state')).toContainText(server.url);
      const device = (await page.getByTestId('settings-workstation').locator('dd').nth(3).textContent())!.trim();
      expect(device).not.toBe('');
      await expect(page.getByTestId('enrollment-state')).toContainText(device);
      // The sync worker of the running workstation takes it from here.
      await expect(page.getByTestId('enrollment-last-sync')).not.toHaveText('never', { timeout: 30_000 });
      await expect(page.getByTestId('settings-workstation')).toContainText(server.url);
      // The registrant came with the enrollment; the form shows it (a Save would not undo it).
      await expect(page.getByTestId('registrant-name')).toHaveValue('Pharmacy MAIN01');
      await expect(page.getByTestId('registrant-deaNumber')).toHaveValue('AB1234563');
      await page.getByTestId('enrollment-panel').scrollIntoViewIfNeeded();
      await shot(page, 'enrolled');
    } finally {
      await station.stop();
      await server.stop();
    }
  });
});
