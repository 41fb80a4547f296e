/**
 * Reports benchmark (issue 7 §3): a ledger of 1,000,000 entries, every one a Schedule II
 * movement (the worst case for the CII perpetual log: every entry is a line), and each report
 * computed the way the app does it — in the worker thread, on its own read-only connection —
 * timed from the request to the finished file bytes. Target: under 2 seconds for 1,000,000
 * entries. Prints figure, limit and ratio (figure / limit; under 1 passes).
 *
 * The entries are written straight into `ledger_entries` with their real canonical bodies and
 * hash chain but a placeholder device signature (signing a million entries would only slow the
 * set-up: reports read the ledger, `rxledger verify` checks signatures).
 * Run: npx tsx bench/reports.ts   (BENCH_ENTRIES=200000 for a quicker run)
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '../src/shared/ledger/canonical';
import { GENESIS_PREV_HASH } from '../src/main/ledger/hash';
import { setRegistrant, reportContext } from '../src/main/reports/export';
import { runReportInWorker } from '../src/main/reports/worker-client';
import { Workstation } from '../src/main/workstation';
import type { ReportRequest } from '../src/shared/reports/types';

const N = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const LIMIT_MS = 2000;
const NDCS = Array.from({ length: 20 }, (_, i) => `00406-${String(8000 + i).padStart(4, '0')}-01`);

const tmp = mkdtempSync(join(tmpdir(), 'rxl-bench-reports-'));
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

try {
  const ws = Workstation.init(join(tmp, 'ws'), 'MAIN01');
  ws.createFirstAdmin('bench-admin-password');
  setRegistrant(ws, { name: 'Bench Pharmacy', address: '1 Bench Road, Springfield', deaNumber: 'AB1234563' }, 'admin');

  // --- a million-entry ledger -------------------------------------------------------------
  const t0 = performance.now();
  const insert = ws.db.prepare(
    `INSERT INTO ledger_entries (device_id, seq, prev_hash, hash, signature, body, type, facility_id, ndc, lot, delta, event_time, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const balance = new Map<string, number>();
  let prev = GENESIS_PREV_HASH;
  const start = Date.parse('2024-01-01T00:00:00.000Z');
  const stepMs = Math.floor((2 * 365 * 86400_000) / N);
  const placeholderSig = Buffer.alloc(64).toString('base64');
  const BATCH = 20_000;
  for (let b = 0; b < N; b += BATCH) {
    ws.db.transaction(() => {
      for (let seq = b + 1; seq <= Math.min(N, b + BATCH); seq++) {
        const ndc = NDCS[seq % NDCS.length]!;
        const on = balance.get(ndc) ?? 0;
        const k = seq % 50;
        const type = on < 100 || k === 0 ? 'RECEIPT' : k === 1 ? 'COUNT' : k === 2 ? 'ADJUSTMENT' : 'DISPENSE';
        const delta = type === 'RECEIPT' ? 500 : type === 'COUNT' ? 0 : type === 'ADJUSTMENT' ? -1 : -((seq % 7) + 1);
        balance.set(ndc, on + delta);
        const at = new Date(start + seq * stepMs).toISOString();
        const data =
          type === 'RECEIPT'
            ? { supplier: { name: 'Wholesaler Inc', address: '9 Depot Way', dea_number: 'RW1234563' }, date_received: at.slice(0, 10), containers: 5, units_per_container: 100, order_form: { kind: 'CSOS', number: `CSOS-${seq}` }, cii_containers_received: 5, line_no: 1, po_number: `PO-${seq}` }
            : type === 'COUNT'
              ? { count_id: `C-${seq}`, expected: on, counted: on, variance: 0, outcome: 'within' }
              : type === 'ADJUSTMENT'
                ? { kind: 'breakage', reason: 'breakage', form_106: false, signatures: [] }
                : { pos_transaction_id: `T-${seq}`, patient_token: `tok_${seq.toString(36)}` };
        const body = canonicalJson({
          v: 1,
          device_id: ws.deviceId,
          seq,
          type,
          facility_id: 'MAIN01',
          ndc,
          lot: 'LOT-A',
          serial: null,
          expiry: '2027-06-30',
          schedule: 'CII',
          quantity: type === 'COUNT' ? on : Math.abs(delta),
          delta,
          event_time: at,
          recorded_at: at,
          actor: seq % 3 === 0 ? 'admin' : 'tech01',
          corrects: null,
          idempotency_key: null,
          source: { kind: 'cli', payload_sha256: null, correlation_id: `bench-${seq}` },
          data,
        });
        const hash = createHash('sha256').update(Buffer.from(prev, 'hex')).update(body).digest('hex');
        insert.run(ws.deviceId, seq, prev, hash, placeholderSig, body, type, 'MAIN01', ndc, 'LOT-A', delta, at, at);
        prev = hash;
      }
    })();
  }
  const put = ws.db.prepare("INSERT INTO stock (facility_id, ndc, lot, schedule, on_hand, last_event_time) VALUES ('MAIN01', ?, 'LOT-A', 'CII', ?, ?)");
  for (const [ndc, n] of balance) put.run(ndc, n, new Date().toISOString());
  console.log(`ledger of ${fmt(N)} entries written in ${fmt(performance.now() - t0)} ms`);

  if (process.env.BENCH_BUILD_ONLY) {
    ws.close();
    process.exit(0);
  }
  // --- the reports, in the worker, as the app runs them ---------------------------------
  const who = { user_id: 'admin', name: 'Administrator' };
  const run = async (label: string, req: ReportRequest, target: boolean) => {
    const t = performance.now();
    let updates = 0;
    const r = await runReportInWorker(ws, reportContext(ws, who), req, () => updates++);
    const ms = performance.now() - t;
    console.log(
      `${label.padEnd(58)} ${fmt(r.lines).padStart(9)} lines ${(r.bytes.length / 1e6).toFixed(1).padStart(6)} MB: ${fmt(ms).padStart(6)} ms; ` +
        `limit ${fmt(LIMIT_MS)} ms; ratio ${(ms / LIMIT_MS).toFixed(2)}${target ? '' : ' (worst case, outside the target)'}; ${updates} progress updates`,
    );
    return target ? ms : 0;
  };
  const all = { from: '2024-01-01', to: '2026-12-31' };
  console.log(`each report computed in the worker thread from the ${fmt(N)}-entry ledger, request to finished file:`);
  const times = [
    await run('biennial inventory, CSV', { kind: 'biennial', format: 'csv', from: '2025-12-01', to: '2025-12-31' }, true),
    await run('biennial inventory, PDF', { kind: 'biennial', format: 'pdf', from: '2025-12-01', to: '2025-12-31' }, true),
    await run('CII perpetual log, every CII NDC, one month, CSV', { kind: 'cii-log', format: 'csv', from: '2025-03-01', to: '2025-03-31' }, true),
    await run('CII perpetual log, one NDC, one month, PDF', { kind: 'cii-log', format: 'pdf', from: '2025-03-01', to: '2025-03-31', ndcs: [NDCS[3]!] }, true),
    await run('receiving record, whole ledger, CSV', { kind: 'receipts', format: 'csv', ...all }, true),
    await run('audit trail, CSV', { kind: 'audit', format: 'csv', ...all }, true),
    await run(`CII perpetual log of all ${fmt(N)} entries as lines, CSV`, { kind: 'cii-log', format: 'csv', ...all }, false),
  ];
  const worst = Math.max(...times);
  console.log(`\nresult: slowest targeted report ${fmt(worst)} ms — ${worst <= LIMIT_MS ? 'within' : 'OVER'} the ${fmt(LIMIT_MS)} ms limit (ratio ${(worst / LIMIT_MS).toFixed(2)})`);
  ws.close();
  if (worst > LIMIT_MS) process.exitCode = 1;
} finally {
  if (process.env.BENCH_KEEP) console.log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
