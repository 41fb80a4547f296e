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
