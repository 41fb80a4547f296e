import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { pdfText } from '../src/reports-pdf/pdf-text';
import { parseCsv } from '../src/shared/reports/csv';
import { drugRecord, repoRoot, rxledger, signIn, startStation, type Station } from './fixtures';

/**
 * Issue 7 end to end in Chromium: a manager sets the registrant in Settings, reached from the Reports screen (DEA
 * records are refused before), exports every report as CSV and PDF, and the files that reach
 * the browser as downloads are read back — the CSV parsed, the PDF's text extracted — and their
 * figures checked against the ledger. An open count shows on the report; the CLI refuses an
 * output path it cannot write.
 */
const MGR_PW = 'manager-pass-1';
const OXY = '65162-0047-10';

interface LedgerRow {
  seq: number;
  hash: string;
  type: string;
  delta: number;
}

async function exportAs(page: Page, kind: string, format: 'csv' | 'pdf', from: string, to: string): Promise<{ bytes: Buffer; name: string }> {
  await page.getByTestId('report-kind').selectOption(kind);
  await page.getByTestId('report-from').fill(from);
  await page.getByTestId('report-to').fill(to);
  await page.getByTestId(`report-format-${format}`).check();
  const download = page.waitForEvent('download');
  await page.getByTestId('report-export').click();
  const d = await download;
  const path = await d.path();
  await expect(page.getByTestId('report-job')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('report-progress')).toHaveAttribute('aria-valuenow', '100');
  return { bytes: readFileSync(path), name: d.suggestedFilename() };
}

async function callApi(page: Page, station: Station, channel: string, input: unknown) {
  return page.evaluate(
    async ({ channel, input, token }) => {
      const r = await fetch(`/api/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-rxledger-token': token }, body: JSON.stringify(input) });
      return (await r.json()) as { ok: boolean; result?: unknown; error?: { code: string; message: string } };
    },
    { channel, input, token: station.token },
  );
}

test.describe('DEA records and audit exports', () => {
  test('registrant → every report as CSV and PDF, read back and checked against the ledger', async ({ page }) => {
    // Ten exports, each computed in a worker and read back: over a minute on two busy cores.
    test.setTimeout(240_000);
    const station = await startStation({
      seed: ({ addUser, ingest, asAdmin }) => {
        addUser('manny', 'manager', MGR_PW, 'Manny Manager');
        asAdmin(['catalog', 'import', join(repoRoot, 'resources', 'catalog', 'openfda_ndc_sample.csv')]);
        ingest([
          drugRecord({ ndc: OXY, lot_number: 'A1', quantity: 100, timestamp_utc: '2026-11-01T15:00:00Z', handler_id: 'tech01' }),
          drugRecord({ ndc: OXY, lot_number: 'A1', quantity: 7, transaction_type: 'DISPENSE', timestamp_utc: '2026-11-02T15:00:00Z', handler_id: 'rph01' }),
          drugRecord({ ndc: OXY, lot_number: 'A1', quantity: 3, transaction_type: 'DISPENSE', timestamp_utc: '2026-11-03T15:00:00Z', handler_id: 'rph01' }),
        ]);
      },
    });
    try {
      const ledger = JSON.parse(station.cli(['ledger', '--json']).stdout) as LedgerRow[];
      const head = ledger[ledger.length - 1]!;
      const onHand = ledger.reduce((s, e) => s + e.delta, 0);
      expect(onHand).toBe(90);

      await page.goto(station.url);
      await signIn(page, 'manny', MGR_PW);
      await page.getByTestId('nav-reports').click();

      // No registrant yet: DEA records are refused, saying what to fix.
      await expect(page.getByTestId('registrant-problem')).toContainText('DEA registration number');
      await page.getByTestId('report-kind').selectOption('cii-log');
      await page.getByTestId('report-export').click();
      await expect(page.getByTestId('report-error')).toContainText('rxledger facility set');

      // The registrant is changed in one place, Settings; Reports shows it and leads there.
      await page.getByTestId('registrant-edit').click();
      await page.getByTestId('registrant-name').fill('Main Street Pharmacy');
      await page.getByTestId('registrant-address').fill('1 Main Street, Springfield, IL 62701');
      await page.getByTestId('registrant-deaNumber').fill('AB1234564');
      await page.getByTestId('registrant-save').click();
      await expect(page.getByTestId('registrant-deaNumber-problem')).toContainText('wrong check digit');
      await page.getByTestId('registrant-deaNumber').fill('AB1234563');
      await page.getByTestId('registrant-save').click();
      await expect(page.getByTestId('registrant-saved')).toBeVisible();
      await page.getByTestId('nav-reports').click();
      await expect(page.getByTestId('registrant-summary')).toContainText('DEA AB1234563');
      await expect(page.getByTestId('registrant-problem')).toHaveCount(0);

      // A period that ends before it starts: said under "To", which gets the focus; nothing asked of the workstation.
      await page.getByTestId('report-kind').selectOption('cii-log');
      await page.getByTestId('report-from').fill('2026-12-01');
      await page.getByTestId('report-to').fill('2026-11-30');
      await page.getByTestId('report-export').click();
      await expect(page.getByTestId('report-to-problem')).toContainText('The period is empty: From 2026-12-01 is after To 2026-11-30');
      await expect(page.getByTestId('report-to')).toHaveAttribute('aria-invalid', 'true');
      await expect(page.getByTestId('report-to')).toBeFocused();
      await expect(page.getByTestId('report-job')).toHaveCount(0);

      // CII perpetual log, CSV: every movement, running balance, the ledger head.
      const log = await exportAs(page, 'cii-log', 'csv', '2026-11-01', '2026-11-30');
      expect(log.name).toBe('rxledger-cii-log-MAIN01-2026-11-01_2026-11-30.csv');
      const rec = parseCsv(log.bytes.toString('utf8'));
      const h = rec[0]!;
      const lines = rec.filter((r) => r[0] === 'line');
      expect(lines.map((r) => [r[h.indexOf('type')], r[h.indexOf('received')], r[h.indexOf('issued')], r[h.indexOf('balance')]])).toEqual([
        ['RECEIPT', '100', '', '100'],
        ['DISPENSE', '', '7', '93'],
        ['DISPENSE', '', '3', '90'],
      ]);
      expect(rec.find((r) => r[0] === 'ledger_head')!.slice(2, 4)).toEqual([String(head.seq), head.hash]);
      await expect(page.getByTestId('report-sha256')).toContainText(/sha256 [0-9a-f]{64}/);
      await expect(page.getByTestId('report-head').first()).toContainText(`seq ${head.seq}, hash ${head.hash}`);

      // The same as PDF: the text read back carries the registrant, the figures and the head.
      const logPdf = pdfText((await exportAs(page, 'cii-log', 'pdf', '2026-11-01', '2026-11-30')).bytes);
      expect(logPdf).toContain('DEA registration number: AB1234563');
      expect(logPdf).toMatch(/NDC 65162-0047-10 — Oxycodone Hydrochloride/);
      expect(logPdf).toMatch(/DISPENSE A1 3 90/);
      expect(logPdf).toContain(`seq ${head.seq}, hash ${head.hash}`);

      // A count is open: the inventory says so, and CII is flagged as not counted.
      const count = await callApi(page, station, 'counts.create', { scope: { kind: 'all_cii' }, blind: true });
      expect(count.ok).toBe(true);
      const countId = (count.result as { count_id: string }).count_id;
      const inv = await exportAs(page, 'biennial', 'pdf', '2026-11-01', '2026-11-30');
      await expect(page.getByTestId('report-notice').first()).toContainText(`A count is open: ${countId}`);
      const invText = pdfText(inv.bytes).replace(/\n/g, ' ');
      expect(invText).toContain(`A count is open: ${countId}`);
      expect(invText).toMatch(/CII 65162-0047-10 Oxycodone Hydrochloride .* 90 NOT COUNTED/);
      const invCsv = parseCsv((await exportAs(page, 'biennial', 'csv', '2026-11-01', '2026-11-30')).bytes.toString('utf8'));
      const invLine = invCsv.find((r) => r[0] === 'line')!;
      expect(invLine[invCsv[0]!.indexOf('total_units')]).toBe(String(onHand));
      expect(invLine[invCsv[0]!.indexOf('units_per_container')]).toBe('100');

      // Receiving record and Form 106 draft (no signed loss: says so).
      const rcv = parseCsv((await exportAs(page, 'receipts', 'csv', '2026-11-01', '2026-11-30')).bytes.toString('utf8'));
      expect(rcv.filter((r) => r[0] === 'line').map((r) => [r[rcv[0]!.indexOf('ndc')], r[rcv[0]!.indexOf('units')]])).toEqual([[OXY, '100']]);
      expect(pdfText((await exportAs(page, 'receipts', 'pdf', '2026-11-01', '2026-11-30')).bytes)).toMatch(/65162-0047-1\s*0/);
      const f106 = pdfText((await exportAs(page, 'form106', 'pdf', '2026-11-01', '2026-11-30')).bytes).replace(/\n/g, ' ');
      expect(f106).toContain('nothing to report on Form 106');
      expect(parseCsv((await exportAs(page, 'form106', 'csv', '2026-11-01', '2026-11-30')).bytes.toString('utf8')).filter((r) => r[0] === 'line')).toHaveLength(0);

      // Audit trail: the sign-in, the registrant change and every export so far, with sha256.
      const today = new Date().toISOString().slice(0, 10);
      const auditCsv = await exportAs(page, 'audit', 'csv', '2026-01-01', today > '2026-12-31' ? today : '2026-12-31');
      const audit = parseCsv(auditCsv.bytes.toString('utf8'));
      const actions = audit.filter((r) => r[0] === 'line').map((r) => r[audit[0]!.indexOf('action')]);
      expect(actions).toContain('SIGN_IN');
      expect(actions).toContain('FACILITY_REGISTRANT_SET');
      expect(actions.filter((a) => a === 'REPORT_EXPORTED')).toHaveLength(8);
      const auditPdf = pdfText((await exportAs(page, 'audit', 'pdf', '2026-01-01', today > '2026-12-31' ? today : '2026-12-31')).bytes);
      expect(auditPdf).toContain('REPORT_EXPORTED');
      await expect(page.getByTestId('report-recent').locator('tbody tr')).toHaveCount(10);

      // The CLI refuses a path it cannot write, and an empty period.
      const bad = rxledger(['report', 'audit', '--data', station.dataDir, '--format', 'csv', '--out', '/nonexistent-dir/audit.csv', '--user', 'manny', '--password-stdin'], `${MGR_PW}\n`);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/the folder \/nonexistent-dir does not exist/);
      const empty = rxledger(['report', 'cii-log', '--data', station.dataDir, '--from', '2026-12-01', '--to', '2026-11-01', '--format', 'csv', '--out', join(station.dataDir, 'x.csv'), '--user', 'manny', '--password-stdin'], `${MGR_PW}\n`);
      // Nor does it export for nobody: a DEA record names the person who made it.
      const anonymous = rxledger(['report', 'cii-log', '--data', station.dataDir, '--format', 'csv', '--out', join(station.dataDir, 'y.csv')]);
      expect(anonymous.status).toBe(2);
      expect(anonymous.stderr).toMatch(/report needs --user USER/);
      expect(empty.status).toBe(2);
      expect(empty.stderr).toMatch(/period is empty/);
    } finally {
      await station.stop();
    }
  });
});
