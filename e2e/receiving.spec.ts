import { join } from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { test } from '@playwright/test';
import { expect, repoRoot, signIn, startStation, type Station } from './fixtures';

const GS = '\x1d';
const OXY_GTIN = '00300021200305'; // NDC 0002-1200-30
const LISIN_GTIN = '00368180513018'; // NDC 68180-513-01
/** A GS1 DataMatrix as a 2D scanner sends it: symbology identifier, FNC1 as GS. */
const dm = (gtin: string, lot: string, serial: string, exp = '281231') => `]d201${gtin}17${exp}10${lot}${GS}21${serial}`;

/** Calls a channel the way the page does (token, Origin, the page's session cookie). */
async function api(request: APIRequestContext, station: Station, channel: string, input: object) {
  const r = await request.post(`${station.origin}/api/${channel}`, {
    headers: { 'x-rxledger-token': station.token, origin: station.origin, 'content-type': 'application/json' },
    data: input,
  });
  return (await r.json()) as { ok: boolean; result?: Record<string, unknown>; error?: { code: string; message: string } };
}

/**
 * A scan through the browser-mode test hook: the same router path a USB scanner's scans take.
 * Waits for the screen to show that scan (the flash names its scan id), and returns the flash.
 */
async function scan(page: Page, station: Station, raw: string, scannerId = 'zebra-1') {
  const el = page.getByTestId('receiving-flash');
  const before = (await el.count()) ? Number(await el.getAttribute('data-seq')) : 0;
  const r = await api(page.request, station, 'test.scan', { raw, scannerId });
  expect(r.ok, JSON.stringify(r.error)).toBe(true);
  const flash = page.getByTestId('receiving-flash');
  await expect(flash).not.toHaveAttribute('data-seq', String(before));
  return flash;
}

test('a receiving session from a typed PO, scans through the test hook, reload, commit to stock, verify', async ({ page }) => {
  const station = await startStation({ seed: ({ addUser }) => addUser('tina', 'technician', 'technician-pass-1', 'Tina Technician') });
  try {
    await page.goto(station.url);
    await signIn(page, 'tina', 'technician-pass-1');
    await page.getByTestId('nav-receiving').click();
    await expect(page.getByTestId('receiving-screen')).toHaveAttribute('data-ready', 'yes');

    // No session open: the scan is kept and the counter says so, in red.
    let flash = await scan(page, station, dm(OXY_GTIN, 'A123', 'S0'));
    await expect(flash).toHaveAttribute('data-tone', 'bad');
    await expect(flash).toHaveAttribute('data-verdict', 'no-session');
    await expect(flash).toContainText('No receiving session open');

    // Type the purchase order; a reload in the middle of typing loses nothing.
    await page.getByTestId('po-supplier-name').fill('Cardinal Health 110');
    await page.getByTestId('po-supplier-address').fill('7000 Cardinal Pl, Dublin, OH 43017');
    await page.getByTestId('po-supplier-dea').fill('RC0183272');
    await page.getByTestId('po-number').fill('PO-7781');
    await page.getByTestId('po-order-kind').selectOption('CSOS');
    await page.getByTestId('po-order-number').fill('CSOS-000123');
    const line1 = page.getByTestId('po-line').nth(0);
    await line1.getByTestId('po-line-ndc').fill('0002-1200-30');
    await line1.getByTestId('po-line-qty').fill('3');
    await line1.getByTestId('po-line-lot').fill('A123');
    await line1.getByTestId('po-line-schedule').selectOption('CII');
    // A units-per-container figure that disagrees with the catalog (30 TABLET in 1 BOTTLE).
    await line1.getByTestId('po-line-upc').fill('100');
    await page.reload();
    await page.getByTestId('nav-receiving').click();
    await expect(page.getByTestId('po-supplier-dea')).toHaveValue('RC0183272');
    await expect(page.getByTestId('po-line').nth(0).getByTestId('po-line-ndc')).toHaveValue('0002-1200-30');
    await expect(page.getByTestId('po-line').nth(0).getByTestId('po-line-schedule')).toHaveValue('CII');
    await page.getByTestId('po-add-line').click();
    const line2 = page.getByTestId('po-line').nth(1);
    await line2.getByTestId('po-line-ndc').fill('68180-513-01');
    await line2.getByTestId('po-line-qty').fill('2');
    await line2.getByTestId('po-line-lot').fill('L77');
    await line2.getByTestId('po-line-schedule').selectOption('none');
    await line2.getByTestId('po-line-upc').fill('90');
    // Refused, and said beside the Start button: the catalog gives 30 tablets per bottle.
    await page.getByTestId('po-start').click();
    await expect(page.getByTestId('po-start-error')).toContainText('the catalog gives 30');
    await expect(page.getByTestId('po-start-error')).toBeInViewport();
    await expect(page.getByTestId('receiving-session')).toHaveCount(0);
    // Left empty, the catalog's figure is used.
    await page.getByTestId('po-line').nth(0).getByTestId('po-line-upc').fill('');
    await page.getByTestId('po-start').click();
    await expect(page.getByTestId('receiving-session')).toHaveAttribute('data-status', 'open');
    await expect(page.getByTestId('receiving-po')).toHaveText('PO-7781');

    const oxy = page.getByTestId('receiving-line').filter({ hasText: '00002-1200-30' });
    const lis = page.getByTestId('receiving-line').filter({ hasText: '68180-0513-01' });

    flash = await scan(page, station, dm(OXY_GTIN, 'A123', 'S1'));
    await expect(flash).toHaveAttribute('data-tone', 'good');
    await expect(oxy.getByTestId('line-received')).toHaveAttribute('data-value', '1');

    flash = await scan(page, station, dm(OXY_GTIN, 'A123', 'S2'));
    await expect(flash).toHaveAttribute('data-tone', 'good');

    // Wrong lot: received under its own lot, flagged amber on the line.
    flash = await scan(page, station, dm(OXY_GTIN, 'Z9', 'S3'));
    await expect(flash).toHaveAttribute('data-verdict', 'wrong-lot');
    await expect(flash).toHaveAttribute('data-tone', 'warn');
    await expect(oxy.locator('[data-flag="wrong-lot"]')).toBeVisible();

    // The same serial again from another scanner: a DSCSA suspect, red, quarantined, not counted.
    flash = await scan(page, station, dm(OXY_GTIN, 'A123', 'S1'), 'zebra-2');
    await expect(flash).toHaveAttribute('data-verdict', 'duplicate-serial');
    await expect(flash).toHaveAttribute('data-tone', 'bad');
    await expect(flash).toContainText('quarantine');
    await expect(oxy.getByTestId('line-received')).toHaveAttribute('data-value', '3');

    flash = await scan(page, station, dm(LISIN_GTIN, 'L77', 'X1'));
    await expect(flash).toHaveAttribute('data-tone', 'good');

    // A reload in the middle of the session loses nothing.
    await page.reload();
    await page.getByTestId('nav-receiving').click();
    await expect(page.getByTestId('receiving-session')).toHaveAttribute('data-status', 'open');
    await expect(oxy.getByTestId('line-received')).toHaveAttribute('data-value', '3');
    await expect(lis.getByTestId('line-received')).toHaveAttribute('data-value', '1');
    await expect(page.getByTestId('receiving-scan').filter({ hasText: 'Duplicate serial' })).toHaveCount(1);

    flash = await scan(page, station, dm(LISIN_GTIN, 'L77', 'X2'));
    await expect(flash).toHaveAttribute('data-tone', 'good');
    await expect(lis.getByTestId('line-state')).toHaveText('Complete');
    await expect(page.getByTestId('receiving-totals')).toHaveAttribute('data-received', '5');

    await page.getByTestId('receiving-commit').click();

    await page.getByTestId('receiving-confirm-commit').click();
    await expect(page.getByTestId('receiving-committed')).toContainText('Committed 3 receipt entries');
    const sessionId = (await page.getByTestId('receiving-session').getAttribute('data-session-id'))!;
    // Committing twice commits once.
    const again = await api(page.request, station, 'receiving.commit', { sessionId });
    expect(again.ok && again.result?.alreadyCommitted).toBe(true);

    await page.getByTestId('nav-inventory').click();
    const rows = page.getByTestId('stock-row');
    await expect(rows).toHaveCount(3);
    // In tablets: bottles × the catalog's 30 (oxymorphone) and 90 (lisinopril).
    await expect(rows.filter({ hasText: '00002-1200-30' }).filter({ hasText: 'A123' }).getByTestId('stock-onhand')).toHaveAttribute('data-value', '60');
    await expect(rows.filter({ hasText: 'Z9' }).getByTestId('stock-onhand')).toHaveAttribute('data-value', '30');
    await expect(rows.filter({ hasText: '68180-0513-01' }).getByTestId('stock-onhand')).toHaveAttribute('data-value', '180');
    await expect(rows.filter({ hasText: '68180-0513-01' }).getByTestId('stock-containers')).toHaveText('2 × 90 tablets');

    const status = await api(page.request, station, 'status.get', {});
    expect(status.result?.quarantineOpen).toBe(1);
    const verify = station.cli(['verify']);
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
  } finally {
    await station.stop();
  }
});

test.describe('at the counter (1366 × 768)', () => {
  test.use({ viewport: { width: 1366, height: 768 } });

  test('a shipment file is previewed before a session opens: expired lots and controlled lines named; the session opens only when asked', async ({ page }) => {
    const station = await startStation({ seed: ({ addUser }) => addUser('tina', 'technician', 'technician-pass-1', 'Tina Technician') });
    try {
      await page.goto(station.url);
      await signIn(page, 'tina', 'technician-pass-1');
      await page.getByTestId('nav-receiving').click();
      await expect(page.getByTestId('receiving-screen')).toHaveAttribute('data-ready', 'yes');
      await page.getByLabel(/EDI 856 ship notice/).setInputFiles(join(repoRoot, 'src/shared/edi/fixtures/5010-856-pharmacy-asn.edi'));
      const preview = page.getByTestId('receiving-preview');
      await expect(preview).toContainText('ACME DRUG DISTRIBUTION');
      await expect(page.getByTestId('preview-line')).toHaveCount(2);
      // The ASN's lots (March 2026, December 2025) are past by now.
      await expect(page.getByTestId('receiving-preview-attention')).toContainText('2 lot(s) already expired');
      await expect(page.getByTestId('receiving-preview-attention')).toContainText('controlled line(s)');
      await expect(page.getByTestId('receiving-session')).toHaveCount(0);
      await page.screenshot({ path: test.info().outputPath('receiving-preview.png') });
      await page.getByTestId('receiving-preview-open').click();
      await expect(page.getByTestId('receiving-session')).toHaveAttribute('data-status', 'open');
    } finally {
      await station.stop();
    }
  });

  test('CII beyond the order form is set aside: the review names it, and only a pharmacist’s signed decision lets the commit through', async ({ page }) => {
    const station = await startStation({
      seed: ({ addUser }) => {
        addUser('tina', 'technician', 'technician-pass-1', 'Tina Technician');
        addUser('pat', 'pharmacist', 'pharmacist-pass-1', 'Pat Pharmacist');
      },
    });
    try {
      await page.goto(station.url);
      await signIn(page, 'tina', 'technician-pass-1');
      await page.getByTestId('nav-receiving').click();
      await expect(page.getByTestId('receiving-screen')).toHaveAttribute('data-ready', 'yes');
      await page.getByTestId('po-supplier-name').fill('Cardinal Health 110');
      await page.getByTestId('po-supplier-address').fill('7000 Cardinal Pl, Dublin, OH 43017');
      await page.getByTestId('po-supplier-dea').fill('RC0183272');
      await page.getByTestId('po-number').fill('PO-9001');
      await page.getByTestId('po-order-kind').selectOption('222');
      await page.getByTestId('po-order-number').fill('261234567');
      const line1 = page.getByTestId('po-line').nth(0);
      await line1.getByTestId('po-line-ndc').fill('0002-1200-30');
      await line1.getByTestId('po-line-qty').fill('2');
      await line1.getByTestId('po-line-lot').fill('A123');
      await page.getByTestId('po-start').click();
      await expect(page.getByTestId('receiving-session')).toHaveAttribute('data-status', 'open');
      for (const serial of ['T1', 'T2', 'T3']) await expect(await scan(page, station, dm(OXY_GTIN, 'A123', serial))).toHaveAttribute('data-verdict', /received|over/);
      await expect(page.getByTestId('receiving-line-states')).toContainText('1 over');

      await page.getByTestId('receiving-commit').click();
      const review = page.getByTestId('receiving-review');
      await expect(review).toBeInViewport();
      const aside = review.getByTestId('set-aside-line');
      await expect(aside).toHaveCount(1);
      await expect(aside).toContainText('3 containers received against 2 on the DEA order form: 1 beyond it');
      await page.screenshot({ path: test.info().outputPath('receiving-review-set-aside.png') });

      // Undecided: said beside the button; nothing committed.
      await page.getByTestId('receiving-confirm-commit').click();
      await expect(page.getByTestId('receiving-review-error')).toContainText('Decide line 1');
      // The technician's own password does not make a pharmacist's decision.
      await page.getByTestId('set-aside-refuse-1').check();
      await page.getByTestId('set-aside-user').fill('tina');
      await page.getByTestId('set-aside-password').fill('technician-pass-1');
      await page.getByTestId('receiving-confirm-commit').click();
      await expect(page.getByTestId('receiving-commit-error')).toContainText('Only a pharmacist can sign');
      await expect(page.getByTestId('receiving-session')).toHaveAttribute('data-status', 'open');

      await page.getByTestId('set-aside-user').fill('pat');
      await page.getByTestId('set-aside-password').fill('pharmacist-pass-1');
      await page.getByTestId('set-aside-note-1').fill('third bottle back to Cardinal');
      await page.getByTestId('receiving-confirm-commit').click();
      await expect(page.getByTestId('receiving-committed')).toContainText('Committed 1 receipt entry');
      await page.screenshot({ path: test.info().outputPath('receiving-committed-after-decision.png') });

      await page.getByTestId('nav-inventory').click();
      // Two bottles of 30: only what the 222 names went to stock.
      await expect(page.getByTestId('stock-row').filter({ hasText: 'A123' }).getByTestId('stock-onhand')).toHaveAttribute('data-value', '60');
    } finally {
      await station.stop();
    }
  });
});
