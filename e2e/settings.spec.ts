import { expect, test } from '@playwright/test';
import { signIn, startStation } from './fixtures';

test('Settings says there is no USB access and keeps working; an administrator changes the idle logoff', async ({ page }) => {
  const station = await startStation({ seed: ({ addUser }) => addUser('tina', 'technician', 'technician-pass-1') });
  try {
    await page.goto(station.url);
    await signIn(page, 'admin', 'admin-password-e2e');
    await page.getByTestId('nav-settings').click();
    // This machine has no USB bus: the screen says so, and the rest of the workstation works.
    await expect(page.getByTestId('settings-usb')).toHaveAttribute('data-available', 'false');
    await expect(page.getByTestId('settings-usb')).toContainText(/USB/);
    await page.getByTestId('settings-rescan').click();
    await expect(page.getByTestId('settings-usb')).toHaveAttribute('data-available', 'false');
    await expect(page.getByTestId('settings-workstation')).toContainText('MAIN01');
    await page.getByTestId('settings-pos-show').click();
    await expect(page.getByTestId('settings-pos')).toContainText(station.asAdmin(['pos-token']).stdout.trim());
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
      await page.screenshot({ path: test.info().outputPath('users-duplicate.png'), fullPage: true });

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
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('partners-edi').fill('ACMEDRUG\nTHIS-SENDER-ID-IS-TOO-LONG');
      await page.getByTestId('partners-handlers').fill('erp:7');
      await page.getByTestId('partners-save').click();
      await expect(page.getByTestId('partners-edi-problem')).toContainText('THIS-SENDER-ID-IS-TOO-LONG');
      await expect(page.getByTestId('partners-edi-problem')).toContainText('at most 15 characters');
      await expect(page.getByTestId('partners-edi')).toBeFocused();
      await page.getByTestId('partners-edi').fill('ACMEDRUG\nCARDINAL01');
      await page.getByTestId('partners-save').click();
      await expect(page.getByTestId('partners-saved')).toBeVisible();
      await page.screenshot({ path: test.info().outputPath('partners.png'), fullPage: true });
      const shown = station.cli(['ingest', '--settings', '--json']);
      expect(shown.stdout).toContain('ACMEDRUG');
      expect(shown.stdout).toContain('erp:7');
    } finally {
      await station.stop();
    }
  });
});
