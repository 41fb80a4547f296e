import { createServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, test, type Page } from '@playwright/test';
import { drugRecord, rxledger, signIn, startStation, type Station } from './fixtures';

/**
 * Issue 5 end to end in Chromium: a blind count by a technician while the central server is
 * unreachable (and the network drops mid-count), a variance over tolerance that becomes a hold,
 * the POS refused while it holds, a pharmacist's signature that releases it, and a technician
 * who cannot sign.
 */
const TECH_PW = 'technician-pass-1';
const RPH_PW = 'pharmacist-pass-1';

async function posDispense(station: Station, txn: string, lot: string): Promise<{ status: number; json: { status?: string; reason?: string } }> {
  const token = station.asAdmin(['pos-token']).stdout.trim();
  const res = await fetch(`${station.posUrl}/pos/v1/dispense`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ transaction_id: txn, ndc: '00002-1200-30', lot, quantity: 5, handler_id: 'pat', occurred_at: new Date().toISOString(), patient: { id: 'P-1' } }),
  });
  return { status: res.status, json: (await res.json()) as { status?: string; reason?: string } };
}

/** A loopback port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/**
 * Enrolls the station with a central server that refuses connections. Enrollment proper needs a
 * live server and a one-time code; what makes a workstation enrolled is the server URL in
 * sync_state (src/main/sync/state.ts, as enrollWorkstation writes it), so the test writes that
 * before the host starts: its sync worker then tries that server and finds it unreachable.
 */
function enrollWithUnreachableServer(dataDir: string, serverUrl: string): void {
  const db = new Database(join(dataDir, 'rxledger.db'));
  try {
    const put = db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    db.transaction(() => {
      put.run('server_url', serverUrl);
      put.run('enrolled_at', new Date().toISOString());
      put.run('state', 'online');
      put.run('state_at', new Date().toISOString());
    })();
  } finally {
    db.close();
  }
}

async function callApi(page: Page, station: Station, channel: string, input: unknown) {
  return page.evaluate(
    async ({ channel, input, token }) => {
      const r = await fetch(`/api/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-rxledger-token': token }, body: JSON.stringify(input) });
      return (await r.json()) as { ok: boolean; error?: { code: string; message: string } };
    },
    { channel, input, token: station.token },
  );
}

test.describe('counts, holds and e-signatures', () => {
  test('blind count offline with a reload → hold → POS refused → technician cannot sign → pharmacist signs → released → POS accepted', async ({ page, context }) => {
    // Two sign-ins, an offline wait and a reload: about a minute alone, more beside another worker on two cores.
    test.slow();
    const centralUrl = `http://127.0.0.1:${await closedPort()}`;
    const station = await startStation({
      seed: ({ addUser, ingest, dataDir }) => {
        addUser('tina', 'technician', TECH_PW, 'Tina Technician');
        addUser('pat', 'pharmacist', RPH_PW, 'Pat Pharmacist');
        ingest([drugRecord({ lot_number: 'A123', quantity: 100 }), drugRecord({ lot_number: 'A124', quantity: 50 })]);
        enrollWithUnreachableServer(dataDir, centralUrl);
      },
    });
    try {
      // The station is enrolled, but its central server refuses connections; and nothing but
      // this workstation answers the page either.
      await context.route((url) => url.origin !== station.origin, (route) => route.abort('internetdisconnected'));
      await page.goto(station.url);
      await signIn(page, 'tina', TECH_PW);
      await expect(page.getByTestId('status-user')).toContainText('Tina Technician');
      // The sync worker tried the central server and could not reach it: the status bar says so.
      await expect(page.getByTestId('status-sync')).toHaveAttribute('data-state', 'offline', { timeout: 20_000 });
      await expect(page.getByTestId('status-sync')).toContainText('Offline');
      const outboxBefore = Number(await page.getByTestId('status-outbox').getAttribute('data-depth'));
      expect(outboxBefore).toBeGreaterThan(0);

      await page.getByTestId('nav-counts').click();
      await page.getByTestId('count-scope').selectOption('all_cii');
      await expect(page.getByTestId('count-blind')).toBeChecked();
      await page.getByTestId('count-begin').click();
      await expect(page.getByTestId('count-blind-label')).toBeVisible();
      await expect(page.getByTestId('count-line')).toHaveCount(2);
      await expect(page.getByText('Expected now')).toHaveCount(0);
      const countId = await page.getByTestId('count-id').textContent();

      // Scan (typed into the scan field as a wedge would) selects the line; the keypad enters units.
      await page.getByTestId('count-scan').fill('(01)00300021200305(10)A123');
      await page.getByTestId('count-scan').press('Enter');
      const a123 = page.locator('[data-testid="count-line"][data-lot="A123"]');
      const a124 = page.locator('[data-testid="count-line"][data-lot="A124"]');
      await expect(a123.getByTestId('count-units')).toBeFocused();
      await page.keyboard.type('97');
      await expect(page.getByTestId('count-progress')).toContainText('1 of 2');

      // While the count is open, Inventory and Ledger do not show this counter the quantities of what she is counting.
      await page.getByTestId('nav-inventory').click();
      await expect(page.getByTestId('stock-blind-note')).toContainText('hidden during your blind count');
      await expect(page.getByTestId('stock-onhand')).toHaveCount(2);
      for (const cell of await page.getByTestId('stock-onhand').all()) {
        await expect(cell).toHaveAttribute('data-hidden', 'true');
        await expect(cell).toHaveText('hidden during your blind count');
      }
      await page.getByTestId('nav-ledger').click();
      await expect(page.getByTestId('ledger-blind-note')).toContainText('hidden during your blind count');
      await expect(page.getByTestId('ledger-row').first()).toBeVisible();
      for (const cell of await page.getByTestId('ledger-delta').all()) await expect(cell).toHaveAttribute('data-hidden', 'true');
      // The screen tells the workstation it is the scanners' target once it is shown (a scan a
      // moment before that is answered "no active workflow"): the scan below waits for it.
      const targetOpen = page.waitForResponse((r) => r.url().endsWith('/api/counts.scanTarget') && (r.request().postDataJSON() as { countId: string | null }).countId !== null);
      await page.getByTestId('nav-counts').click();
      await expect(a123.getByTestId('count-units')).toHaveValue('97');
      await targetOpen;

      // A USB scanner (HID POS mode; here the browser-mode test hook, the same scan router path)
      // reaches the count: the scan selects lot A124 as if typed in the scan field.
      const scanned = await callApi(page, station, 'test.scan', { raw: '(01)00300021200305(10)A124', scannerId: 'usb-hid-pos-e2e' });
      expect(scanned).toMatchObject({ ok: true, result: { status: 'routed' } });
      await expect(a124.getByTestId('count-units')).toBeFocused();
      await expect(a124).toHaveAttribute('aria-current', 'true');
      await expect(page.getByTestId('count-scanner-note')).toContainText('usb-hid-pos-e2e');
      await expect(page.getByTestId('status-sync')).toHaveAttribute('data-state', 'offline');

      // The network drops in the middle of the count: counting goes on, the draft is kept.
      await context.setOffline(true);
      await a124.getByTestId('count-containers-toggle').click();
      await page.getByTestId('count-full').fill('1');
      // The container size is the catalog's (30 TABLET in 1 BOTTLE), not typed.
      await expect(page.getByTestId('count-size')).toHaveValue('30');
      await expect(page.getByTestId('count-size')).toHaveAttribute('readonly', '');
      await page.getByTestId('count-partials').fill('20');
      await page.getByTestId('count-containers-apply').click();
      await expect(a124.getByTestId('count-units')).toHaveValue('50');
      await expect(page.getByTestId('count-saved')).toContainText('Saved on this computer');
      await context.setOffline(false);

      // A reload in the middle of the count loses nothing.
      await page.reload();
      await expect(page.getByTestId('status-user')).toContainText('Tina Technician');
      await page.getByTestId('nav-counts').click();
      await expect(page.getByTestId('count-id')).toHaveText(countId!);
      await expect(a123.getByTestId('count-units')).toHaveValue('97');
      await expect(a124.getByTestId('count-units')).toHaveValue('50');
      await expect(page.getByTestId('count-containers-summary')).toHaveText('1 × 30 tablets + 20 tablets opened = 50 tablets');

      // Still offline: the central server is not needed to count or to submit.
      await expect(page.getByTestId('status-sync')).toHaveAttribute('data-state', 'offline');
      await page.getByTestId('count-submit').click();
      await expect(page.getByTestId('count-review')).toBeVisible();
      await expect(page.getByTestId('status-sync')).toHaveAttribute('data-state', 'offline');
      // The count's entries wait in the outbox for the server.
      await expect.poll(async () => Number(await page.getByTestId('status-outbox').getAttribute('data-depth')), { timeout: 15_000 }).toBeGreaterThan(outboxBefore);
      const holdLine = page.locator('[data-testid="review-line"][data-outcome="hold"]');
      await expect(holdLine.getByTestId('review-variance')).toHaveText('−3 tablets');
      await expect(holdLine.getByTestId('review-expected')).toHaveText('100 tablets');
      await expect(page.locator('[data-testid="review-line"][data-outcome="within"]')).toHaveCount(1);
      await expect(page.getByTestId('review-policy')).toContainText('v0');
      const holdId = (await holdLine.getByTestId('review-hold').textContent())!.trim();
      expect(holdId).toMatch(/^H-/);
      await expect(page.getByTestId('status-holds')).toHaveAttribute('data-count', '1');

      // The technician sees the hold but cannot sign it, in the UI or through the API.
      await page.getByTestId('nav-holds').click();
      const row = page.locator(`[data-testid="hold-row"][data-hold-id="${holdId}"]`);
      await expect(row).toHaveAttribute('data-status', 'active');
      await row.getByTestId('hold-open').click();
      await expect(page.getByTestId('hold-detail')).toContainText('variance −3 tablets');
      await expect(page.getByTestId('sign-not-allowed')).toBeVisible();
      await expect(page.getByTestId('sign-form')).toHaveCount(0);
      const refused = await callApi(page, station, 'holds.resolve', { holdId, userId: 'tina', password: TECH_PW, meaning: 'approval', reason: 'miscount' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

      // POS dispensing of the held lot is refused while the hold is active.
      {
        const r = await posDispense(station, 'rx-e2e-1', 'A123');
        expect(r.status).toBe(409);
        expect(r.json.reason).toBe('HOLD_ACTIVE');
      }

      // A pharmacist signs: user ID and password (first signing of the session), meaning, reason.
      await page.getByTestId('sign-out').click();
      await signIn(page, 'pat', RPH_PW);
      await expect(page.getByTestId('status-user')).toContainText('Pat Pharmacist');
      await page.getByTestId('nav-holds').click();
      await row.getByTestId('hold-open').click();
      await page.getByTestId('sign-user').fill('pat');
      await page.getByTestId('sign-password').fill('wrong-password');
      await page.getByTestId('sign-submit').click();
      await expect(page.getByTestId('sign-problem')).toContainText('4 attempts left');
      await expect(row).toHaveAttribute('data-status', 'active');
      await page.getByTestId('sign-password').fill(RPH_PW);
      await page.getByTestId('sign-meaning').selectOption('approval');
      await page.getByTestId('sign-reason').selectOption('miscount');
      await page.getByTestId('sign-submit').click();
      await expect(page.getByTestId('sign-result')).toContainText(`Hold ${holdId} released`);
      await expect(page.getByTestId('sign-manifestation')).toContainText(/Signed by Pat Pharmacist \(pat\) on \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC.* — meaning: Approval — reason: Miscount/);
      await expect(row).toHaveAttribute('data-status', 'released');
      await expect(page.getByTestId('manifestation').first()).toHaveAttribute('data-verified', 'true');
      await expect(page.locator('[data-testid="hold-history-entry"]')).toHaveCount(4);

      {
        const r = await posDispense(station, 'rx-e2e-2', 'A123');
        expect(r.status).toBe(200);
        expect(r.json.status).toBe('accepted');
      }

      const holds = JSON.parse(station.cli(['holds', '--json']).stdout) as { hold_id: string; status: string }[];
      expect(holds).toEqual([expect.objectContaining({ hold_id: holdId, status: 'released' })]);
      const stock = JSON.parse(station.cli(['stock', '--json']).stdout) as { lot: string; on_hand: number }[];
      expect(stock.find((s) => s.lot === 'A123')?.on_hand).toBe(92);
      expect(station.cli(['verify']).status).toBe(0);
    } finally {
      await station.stop();
    }
  });

  test('the POS API refuses a held lot with HOLD_ACTIVE and accepts it once a pharmacist has signed', async () => {
    const station = await startStation({
      seed: ({ addUser, ingest }) => {
        addUser('tina', 'technician', TECH_PW, 'Tina Technician');
        addUser('pat', 'pharmacist', RPH_PW, 'Pat Pharmacist');
        ingest([drugRecord({ lot_number: 'A123', quantity: 100 })]);
      },
    });
    try {
      expect(station.posUrl, 'rxledger serve prints where the POS API listens').toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const counted = JSON.parse(station.cli(['count', '--user', 'tina', '--password-stdin', '--ndc', '0002-1200-30', '--lot', 'A123', '--counted', '96', '--json'], `${TECH_PW}\n`).stdout);
      expect(counted).toMatchObject({ expected: 100, counted: 96, variance: -4, hold_id: expect.stringMatching(/^H-/) });
      const refused = await posDispense(station, 'rx-e2e-10', 'A123');
      expect(refused.status).toBe(409);
      expect(refused.json.reason).toBe('HOLD_ACTIVE');
      const tech = rxledger(['sign-adjustment', '--data', station.dataDir, '--hold', counted.hold_id, '--user', 'tina', '--password-stdin', '--meaning', 'approval', '--reason', 'miscount'], `${TECH_PW}\n`);
      expect(tech.status).toBe(4);
      expect(tech.stderr).toContain('Only a pharmacist can sign');
      const signed = station.cli(['sign-adjustment', '--hold', counted.hold_id, '--user', 'pat', '--password-stdin', '--meaning', 'approval', '--reason', 'miscount', '--json'], `${RPH_PW}\n`);
      expect(JSON.parse(signed.stdout)).toMatchObject({ hold_id: counted.hold_id, adjustment: { delta: -4 } });
      const accepted = await posDispense(station, 'rx-e2e-11', 'A123');
      expect(accepted.status).toBe(200);
      expect(accepted.json.status).toBe('accepted');
    } finally {
      await station.stop();
    }
  });
});

test.describe('DEA details of a signed adjustment (1366 × 768)', () => {
  test.use({ viewport: { width: 1366, height: 768 } });

  test('a destruction of CII needs a witness, a method and a place, said beside the form; with them it is signed by two', async ({ page }) => {
    const station = await startStation({
      seed: ({ addUser, ingest }) => {
        addUser('pat', 'pharmacist', RPH_PW, 'Pat Pharmacist');
        addUser('tina', 'technician', TECH_PW, 'Tina Technician');
        ingest([drugRecord({ lot_number: 'A123', quantity: 100 })]);
      },
    });
    try {
      await page.goto(station.url);
      await signIn(page, 'pat', RPH_PW);
      await page.getByTestId('nav-holds').click();
      await page.getByTestId('adjust-section').locator('summary').first().click();
      await page.getByTestId('adjust-ndc').fill('00002-1200-30');
      await page.getByTestId('adjust-lot').fill('A123');
      await page.getByTestId('adjust-quantity').fill('70');
      await page.getByTestId('adjust-kind').selectOption('destruction');
      await expect(page.getByTestId('adjust-destruction')).toBeVisible();
      await page.getByTestId('adjust-user').fill('pat');
      await page.getByTestId('adjust-password').fill(RPH_PW);
      await page.getByTestId('adjust-submit').click();
      // No witness, no method, no place: refused beside the form, nothing signed.
      const problem = page.getByTestId('adjust-problem');
      await expect(problem).toContainText(/destruction\.method: how it was destroyed.*destruction\.place: where it was destroyed/i);
      await expect(problem).toBeInViewport();
      await page.getByTestId('adjust-method').fill('denaturing kit');
      await page.getByTestId('adjust-place').fill('pharmacy back room');
      await page.getByTestId('adjust-co-user').fill('tina');
      await page.getByTestId('adjust-co-password').fill(TECH_PW);
      await page.getByTestId('adjust-password').fill(RPH_PW);
      await page.screenshot({ path: test.info().outputPath('destruction-form.png'), fullPage: true });
      await page.getByTestId('adjust-submit').click();
      await expect(page.getByTestId('sign-result')).toContainText('Adjustment recorded');
      await expect(page.getByTestId('sign-manifestation')).toHaveCount(2);
      await expect(page.getByTestId('sign-manifestation').nth(1)).toContainText('Tina Technician (tina)');
      const ledger = JSON.parse(station.cli(['ledger', '--json']).stdout) as { type: string; delta: number; data: Record<string, unknown> }[];
      const adj = ledger.find((e) => e.type === 'ADJUSTMENT')!;
      expect(adj.delta).toBe(-70);
      expect(adj.data).toMatchObject({ kind: 'destruction', destruction: { method: 'denaturing kit', place: 'pharmacy back room' } });
    } finally {
      await station.stop();
    }
  });
});
