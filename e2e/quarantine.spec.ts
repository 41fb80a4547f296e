import type { APIRequestContext, Page, TestInfo } from '@playwright/test';
import { test } from '@playwright/test';
import { expectNoSeriousViolations } from './axe';
import { drugRecord, expect, signIn, startStation, type Station } from './fixtures';

/**
 * DSCSA suspect products at 1366 × 768: one found at receiving (the same bottle scanned twice
 * through the test hook) is walked to "illegitimate" with the FDA Form 3911 and partner notice
 * dates; one from a drug-record file (a serial received before) is cleared and then rejected as
 * a double scan. Screenshots of each step are kept with the run.
 */

const GS = '\x1d';
const OXY_GTIN = '00300021200305'; // NDC 0002-1200-30, 30 TABLET in 1 BOTTLE
const dm = (gtin: string, lot: string, serial: string, exp = '281231') => `]d201${gtin}17${exp}10${lot}${GS}21${serial}`;
const RPH = { user: 'rph01', password: 'rph01-password-1' };

async function api(request: APIRequestContext, station: Station, channel: string, input: object) {
  const r = await request.post(`${station.origin}/api/${channel}`, {
    headers: { 'x-rxledger-token': station.token, origin: station.origin, 'content-type': 'application/json' },
    data: input,
  });
  return (await r.json()) as { ok: boolean; result?: Record<string, unknown>; error?: { code: string; message: string } };
}

async function shot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: false });
}

/** Today in the browser's zone, which is the station's (both run on this computer). */
const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

test.use({ viewport: { width: 1366, height: 768 } });

test('suspect products: one investigated to illegitimate, one cleared; alerts count them without overlap', async ({ page }, testInfo) => {
  const hourAgo = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const station = await startStation({
    seed: ({ ingest }) => {
      // A bottle received an hour ago, and a file that sends the same serial again.
      ingest([drugRecord({ serial_number: 'SN-FILE-1', quantity: 30, expiry: '2028-12-31', timestamp_utc: hourAgo })]);
      const again = drugRecord({ serial_number: 'SN-FILE-1', quantity: 30, expiry: '2028-12-31', timestamp_utc: new Date().toISOString().replace(/\.\d+Z$/, 'Z') });
      try {
        ingest([again]);
      } catch {
        // rxledger ingest exits 1 when it quarantined something: that is the point here.
      }
    },
  });
  try {
    await page.goto(station.url);
    await signIn(page, RPH.user, RPH.password);
    // The API calls below use the page's session cookie: wait until the sign-in is done.
    await expect(page.getByTestId('nav-quarantine')).toBeVisible();

    // At receiving: a delivery of 2 bottles; the same bottle scanned on a second scanner is a suspect.
    const started = await api(page.request, station, 'receiving.start', {
      from: 'manual',
      po: {
        supplier: { name: 'Cardinal Health 110', address: '7000 Cardinal Pl, Dublin, OH 43017', deaNumber: 'RC0183272' },
        poNumber: 'PO-4410',
        orderForm: { kind: 'CSOS', number: 'CSOS-000777' },
        lines: [{ ndc: '0002-1200-30', quantity: 2, lot: 'A123', schedule: 'CII' }],
      },
    });
    expect(started.ok, JSON.stringify(started.error)).toBe(true);
    expect((await api(page.request, station, 'test.scan', { raw: dm(OXY_GTIN, 'A123', 'SN-SCAN-1'), scannerId: 'zebra-1' })).ok).toBe(true);
    expect((await api(page.request, station, 'test.scan', { raw: dm(OXY_GTIN, 'A123', 'SN-SCAN-1'), scannerId: 'zebra-2' })).ok).toBe(true);

    await page.getByTestId('nav-quarantine').click();
    const table = page.getByTestId('quarantine-table');
    await expect(table.locator('tbody tr')).toHaveCount(2);
    // Pharmacy language first: drug, NDC, lot, serial and a plain reason; no codes in the list.
    const scanRow = table.locator('tbody tr', { hasText: 'SN-SCAN-1' });
    await expect(scanRow).toContainText(/oxymorphone/i);
    await expect(scanRow).toContainText('00002-1200-30');
    await expect(scanRow).toContainText("This bottle's serial number was already scanned into a delivery on");
    await expect(scanRow).toContainText('Suspect — investigate');
    await expect(table).not.toContainText('DUPLICATE_SERIAL');
    await shot(page, testInfo, '1-quarantine-list');

    // Walk 1: the scanned bottle → illegitimate.
    await scanRow.getByRole('button').click();
    const detail = page.getByTestId('quarantine-detail');
    await expect(detail.getByTestId('quarantine-plain-reason')).toContainText('possible counterfeit or double scan');
    await expect(detail.getByTestId('quarantine-technical')).not.toHaveAttribute('open', '');
    await expect(detail.getByText('DUPLICATE_SERIAL', { exact: false })).toBeHidden();
    await expect(detail.getByTestId('quarantine-suspect-blocked')).toBeVisible();
    await expect(detail.getByTestId('quarantine-replay')).toHaveCount(0);
    const inv = detail.getByTestId('investigation');
    await expect(inv.getByTestId('investigation-state')).toHaveAttribute('data-state', 'none');
    await expectNoSeriousViolations(page, testInfo, 'quarantine item with its investigation form');

    await inv.getByTestId('investigation-note').fill('Called Cardinal: SN-SCAN-1 shipped once, in the bottle already scanned');
    await inv.getByTestId('investigation-password').fill(RPH.password);
    await inv.getByTestId('investigation-sign').click();
    await expect(inv.getByTestId('investigation-done')).toContainText('Investigation step signed');
    await expect(inv.getByTestId('investigation-state')).toHaveAttribute('data-state', 'investigating');
    await expect(inv.getByTestId('investigation-steps')).toContainText('signed by Robin Pharmacist (rph01)');

    // Illegitimate without the 3911 date: refused beside that field, nothing sent.
    await inv.getByTestId('investigation-step-illegitimate').check();
    await inv.getByTestId('investigation-note').fill('Second bottle: label print and cap differ from the genuine one');
    await inv.getByTestId('investigation-partner').fill(today());
    await inv.getByTestId('investigation-password').fill(RPH.password);
    await inv.getByTestId('investigation-sign').click();
    await expect(inv.getByTestId('investigation-fda3911Date-problem')).toContainText('FDA Form 3911 notification date: required');
    await expect(inv.getByTestId('investigation-fda3911')).toBeFocused();
    await shot(page, testInfo, '2-illegitimate-missing-3911');

    // A wrong password is said beside the password; nothing recorded.
    await inv.getByTestId('investigation-fda3911').fill(today());
    await inv.getByTestId('investigation-password').fill('not-the-password');
    await inv.getByTestId('investigation-sign').click();
    await expect(inv.getByTestId('investigation-password-problem')).toBeVisible();
    await expect(inv.getByTestId('investigation-state')).toHaveAttribute('data-state', 'investigating');

    await inv.getByTestId('investigation-password').fill(RPH.password);
    await inv.getByTestId('investigation-sign').click();
    await expect(inv.getByTestId('investigation-state')).toHaveAttribute('data-state', 'illegitimate');
    await expect(inv.getByTestId('investigation-steps')).toContainText(`FDA Form 3911 sent ${today()}; trading partners notified ${today()}`);
    await expect(detail).toContainText('Rejected by rph01');
    await shot(page, testInfo, '3-illegitimate');

    // The technical detail is there, folded.
    await detail.getByTestId('quarantine-technical').locator('summary').click();
    await expect(detail.getByTestId('quarantine-technical')).toContainText('DUPLICATE_SERIAL');
    await expect(detail.getByTestId('quarantine-technical')).toContainText('Correlation id');
    await detail.getByTestId('quarantine-technical').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, testInfo, '4-technical-detail');

    // Walk 2: the file's duplicate → cleared, then rejected as a double send.
    const fileRow = table.locator('tbody tr', { hasText: 'SN-FILE-1' });
    await expect(fileRow).toContainText("This bottle's serial number was already received on");
    await fileRow.getByRole('button').click();
    const inv2 = page.getByTestId('quarantine-detail').getByTestId('investigation');
    await inv2.getByTestId('investigation-step-cleared').check();
    await inv2.getByTestId('investigation-note').fill('Same bottle sent twice by the ERP export; it is on the shelf');
    await inv2.getByTestId('investigation-password').fill(RPH.password);
    await inv2.getByTestId('investigation-sign').click();
    await expect(inv2.getByTestId('investigation-state')).toHaveAttribute('data-state', 'cleared');
    await expect(inv2.getByTestId('investigation-sign')).toHaveCount(0);
    await expect(page.getByTestId('quarantine-reject')).toBeVisible();
    await expect(fileRow).toContainText('Cleared — decide replay or reject');
    await shot(page, testInfo, '5-cleared');
    await page.getByTestId('quarantine-reject-reason').fill('Double send: the bottle was received an hour earlier');
    await page.getByTestId('quarantine-reject').click();
    await expect(page.getByTestId('quarantine-detail')).toContainText('Rejected by rph01');

    // Nothing of either suspect entered stock: only the first bottle and the scanned one (not committed) exist.
    const stock = station.cli(['stock', '--json']);
    const rows = JSON.parse(stock.stdout) as Array<{ lot: string; on_hand: number }>;
    expect(rows.find((r) => r.lot === 'A123')?.on_hand).toBe(30);

    // Alerts: the open delivery and the quarantine are named, laid out without overlap.
    await page.getByTestId('nav-alerts').click();
    await expect(page.getByTestId('alert-quarantine_growing')).toBeVisible();
    await shot(page, testInfo, '6-alerts');
    await expectNoSeriousViolations(page, testInfo, 'alerts');
    const boxes = await page.locator('[data-testid^="alert-"], form[aria-label="Alert thresholds"]').evaluateAll((els) =>
      els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => {
        const r = e.getBoundingClientRect();
        return { id: e.getAttribute('data-testid') ?? 'form', x: r.x, y: r.y, w: r.width, h: r.height };
      }),
    );
    for (const a of boxes)
      for (const b of boxes) {
        if (a === b) continue;
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `${a.id} overlaps ${b.id}`).toBe(false);
      }
  } finally {
    await station.stop();
  }
});

test('a manager sets alert thresholds; a wrong one is named beside its field', async ({ page }, testInfo) => {
  const station = await startStation({ seed: ({ addUser }) => addUser('mona', 'manager', 'manager-pass-1', 'Mona Manager') });
  try {
    await page.goto(station.url);
    await signIn(page, 'mona', 'manager-pass-1');
    await page.getByTestId('nav-alerts').click();
    await page.getByTestId('threshold-expiringDays').fill('abc');
    await page.getByTestId('thresholds-save').click();
    await expect(page.getByText('Expiring within: "abc" is not a whole number')).toBeVisible();
    await expect(page.getByTestId('threshold-expiringDays')).toBeFocused();
    await shot(page, testInfo, '7-thresholds-error');
    await expectNoSeriousViolations(page, testInfo, 'alerts with the thresholds form');
    await page.getByTestId('threshold-expiringDays').fill('60');
    await page.getByTestId('thresholds-save').click();
    await expect(page.getByTestId('alert-expiring_lots')).toContainText('within 60 days');
    await shot(page, testInfo, '8-thresholds-saved');
  } finally {
    await station.stop();
  }
});
