import { expect, test } from '@playwright/test';
import { ADMIN_PASSWORD, drugRecord, signIn, startStation } from './fixtures';

test.describe('foundation in browser mode', () => {
  test('sign in, see stock, verify the ledger', async ({ page }) => {
    const station = await startStation({
      seed: ({ addUser, ingest }) => {
        addUser('pat', 'pharmacist', 'pharmacist-pass-1', 'Pat Pharmacist');
        ingest([
          drugRecord(),
          drugRecord({ ndc: '0409-1234-01', schedule: 'IV', lot_number: 'B7', quantity: 250 }),
          drugRecord({ transaction_type: 'DISPENSE', quantity: 30, timestamp_utc: '2026-11-02T09:00:00Z' }),
        ]);
      },
    });
    try {
      await page.goto(station.url);
      await signIn(page, 'pat', 'wrong-password');
      await expect(page.getByTestId('signin-error')).toContainText('4 attempts left');
      await signIn(page, 'pat', 'pharmacist-pass-1');
      await expect(page.getByTestId('status-user')).toContainText('Pat Pharmacist');

      await page.getByTestId('nav-inventory').click();
      const rows = page.getByTestId('stock-row');
      await expect(rows).toHaveCount(2);
      const oxy = rows.filter({ hasText: '00002-1200-30' });
      await expect(oxy.getByTestId('stock-onhand')).toHaveAttribute('data-value', '70');
      await page.getByTestId('inventory-search').fill('B7');
      await expect(rows).toHaveCount(1);

      // A reload keeps the session: nothing lost on reload.
      await page.reload();
      await expect(page.getByTestId('status-user')).toContainText('Pat Pharmacist');

      await page.getByTestId('nav-ledger').click();
      await expect(page.getByTestId('ledger-row')).toHaveCount(3);
      await page.getByTestId('verify-button').click();
      await expect(page.getByTestId('verify-result')).toHaveAttribute('data-state', 'ok');
      await expect(page.getByTestId('verify-result')).toContainText('3 entries');
    } finally {
      await station.stop();
    }
  });

  test('first start: the administrator must replace the one-time password', async ({ page }) => {
    const station = await startStation({ fresh: true });
    try {
      expect(station.oneTimePassword).toMatch(/^[A-Z0-9-]{19}$/);
      await page.goto(station.url);
      await signIn(page, 'admin', station.oneTimePassword!);
      await page.getByTestId('pw-current').fill(station.oneTimePassword!);
      await page.getByTestId('pw-new').fill('short');
      await page.getByTestId('pw-repeat').fill('short');
      await page.getByTestId('pw-submit').click();
      await expect(page.getByTestId('pw-error')).toContainText('at least 10');
      await page.getByTestId('pw-new').fill(ADMIN_PASSWORD);
      await page.getByTestId('pw-repeat').fill(ADMIN_PASSWORD);
      await page.getByTestId('pw-submit').click();
      await expect(page.getByTestId('status-user')).toContainText('Administrator');
      // The one-time password no longer works.
      await page.getByTestId('sign-out').click();
      await signIn(page, 'admin', station.oneTimePassword!);
      await expect(page.getByTestId('signin-error')).toContainText('wrong');
    } finally {
      await station.stop();
    }
  });

  test('is logged off when idle, and the sign-in screen says why', async ({ page }) => {
    const station = await startStation({ idleSeconds: 3, seed: ({ addUser }) => addUser('tina', 'technician', 'technician-pass-1') });
    try {
      await page.goto(station.url);
      await signIn(page, 'tina', 'technician-pass-1');
      await expect(page.getByTestId('status-user')).toBeVisible();
      // Polling continues meanwhile; it must not count as activity.
      await expect(page.getByTestId('signin-notice')).toContainText('without activity', { timeout: 20_000 });
      expect(station.cli(['verify']).status).toBe(0);
    } finally {
      await station.stop();
    }
  });

  test('a page without the launch token, another origin, or a rebound host gets nothing', async ({ page, request }) => {
    const station = await startStation();
    try {
      const api = `${station.origin}/api/status.get`;
      const noToken = await request.post(api, { data: {} });
      expect(noToken.status()).toBe(401);
      const foreign = await request.post(api, { data: {}, headers: { 'x-rxledger-token': station.token, origin: 'http://evil.example' } });
      expect(foreign.status()).toBe(403);
      const rebound = await request.post(api, { data: {}, headers: { 'x-rxledger-token': station.token, host: 'attacker.example:80' } });
      expect(rebound.status()).toBe(403);
      const ok = await request.post(api, { data: {}, headers: { 'x-rxledger-token': station.token } });
      expect((await ok.json()).ok).toBe(true);
      await page.goto(station.origin + '/');
      await expect(page.getByTestId('connection-error')).toBeVisible();
    } finally {
      await station.stop();
    }
  });
});
