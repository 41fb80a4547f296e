/**
 * Ledger benchmark: durable single appends (p50, p99), batched signed appends per second and
 * verification entries per second, beside the limits measured in the same run on the same
 * machine (raw SQLite inserts, Ed25519 sign and verify, SHA-256), with the ratios the issue
 * sets as targets. Run: npx tsx bench/ledger.ts (figures and what each line means: docs/benchmarks.md)
 */
import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { receipt } from '../src/testing/temp-workstation';
import { Workstation } from '../src/main/workstation';

const N_SINGLE = Number(process.env.BENCH_SINGLE ?? 2000);
const N_BATCH = Number(process.env.BENCH_BATCH ?? 50_000);
const BATCH = 1000;

const tmp = mkdtempSync(join(tmpdir(), 'rxl-bench-'));
const loadAtStart = loadavg()[0]!;
const rate = (n: number, ms: number) => (n / ms) * 1000;
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const pct = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

function time(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

try {
  // --- limits -------------------------------------------------------------------------
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const msg = createHash('sha256').update('x').digest();
  const nCrypto = 20_000;
  const signMs = time(() => {
    for (let i = 0; i < nCrypto; i++) sign(null, msg, privateKey);
  });
  const sig = sign(null, msg, privateKey);
  const verifyMs = time(() => {
    for (let i = 0; i < nCrypto; i++) verify(null, msg, publicKey, sig);
  });
  const body = JSON.stringify(receipt({ data: { note: 'typical entry' } }));
  const shaMs = time(() => {
    for (let i = 0; i < nCrypto * 5; i++) createHash('sha256').update(msg).update(body).digest();
  });
  const raw = new Database(join(tmp, 'raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.exec(`CREATE TABLE t (device_id TEXT, seq INTEGER, prev_hash TEXT, hash TEXT UNIQUE, signature TEXT, body TEXT, type TEXT, facility_id TEXT,
            ndc TEXT, lot TEXT, delta INTEGER, event_time TEXT, recorded_at TEXT, UNIQUE (device_id, seq))`);
  const ins = raw.prepare('INSERT INTO t VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)');
  const hashStr = 'a'.repeat(64);
  const sigStr = sig.toString('base64');
  const rawMs = time(() => {
    for (let b = 0; b < N_BATCH / BATCH; b++) {
      raw.transaction(() => {
        for (let i = 0; i < BATCH; i++) {
          const seq = b * BATCH + i + 1;
          ins.run('dev', seq, hashStr, `${seq}`.padStart(64, '0'), sigStr, body, 'RECEIPT', 'MAIN01', '00002-1200-30', 'L1', 1, '2026-01-01', '2026-01-01');
        }
      }).immediate();
    }
  });
  raw.close();
  // The floor under a durable append: one small row, one commit, one fsync of the WAL (timed below).
  const bareDb = new Database(join(tmp, 'bare.db'));
  bareDb.pragma('journal_mode = WAL');
  bareDb.pragma('synchronous = FULL');
  bareDb.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
  const bareIns = bareDb.prepare('INSERT INTO t (body) VALUES (?)');
  const bare: number[] = [];

  // --- the ledger -----------------------------------------------------------------------
  const ws = Workstation.init(join(tmp, 'ws'), 'MAIN01');
  const single: number[] = [];
  // Interleaved with the bare commits, so both see the same disk and the same load.
  for (let i = 0; i < N_SINGLE; i++) {
    bare.push(time(() => bareDb.transaction(() => bareIns.run(body)).immediate()));
    single.push(time(() => ws.ledger.appendOne(receipt({ quantity: 1, delta: 1 }))));
  }
  bareDb.close();
  const entries = Array.from({ length: BATCH }, () => receipt({ quantity: 1, delta: 1 }));
  const batchMs = time(() => {
    for (let b = 0; b < N_BATCH / BATCH; b++) ws.ledger.append(entries);
  });
  const total = ws.ledger.head().seq;
  let report!: ReturnType<Workstation['verify']>;
  const verifyLedgerMs = time(() => {
    report = ws.verify();
  });
  ws.close();
  if (!report.ok) throw new Error(`verification failed: ${JSON.stringify(report.failure)}`);

  const signRate = rate(nCrypto, signMs);
  const verifyRate = rate(nCrypto, verifyMs);
  const rawRate = rate(N_BATCH, rawMs);
  const batchRate = rate(N_BATCH, batchMs);
  const verifyEntriesRate = rate(total, verifyLedgerMs);
  const p99 = pct(single, 99);
  const lines: [string, string, string, string][] = [
    ['durable single append p50', `${pct(single, 50).toFixed(3)} ms`, '', ''],
    ['durable single append p99', `${p99.toFixed(3)} ms`, '< 2 ms', p99 < 2 ? 'MET' : 'NOT MET'],
    ['batched signed appends', `${fmt(batchRate)} /s`, `≥ 0.5 × min(raw insert, sign) = ${fmt(0.5 * Math.min(rawRate, signRate))} /s`, `ratio ${(batchRate / Math.min(rawRate, signRate)).toFixed(2)} ${batchRate >= 0.5 * Math.min(rawRate, signRate) ? 'MET' : 'NOT MET'}`],
    ['verification (1 core used)', `${fmt(verifyEntriesRate)} entries/s`, `≥ 0.7 × Ed25519 verify = ${fmt(0.7 * verifyRate)} /s`, `ratio ${(verifyEntriesRate / verifyRate).toFixed(2)} ${verifyEntriesRate >= 0.7 * verifyRate ? 'MET' : 'NOT MET'}`],
    ['limit: bare one-row commit (WAL, FULL sync) p50', `${pct(bare, 50).toFixed(3)} ms`, '', ''],
    ['limit: bare one-row commit (WAL, FULL sync) p99', `${pct(bare, 99).toFixed(3)} ms`, '', ''],
    ['limit: raw SQLite inserts (batched, FULL sync)', `${fmt(rawRate)} /s`, '', ''],
    ['limit: Ed25519 sign', `${fmt(signRate)} /s`, '', ''],
    ['limit: Ed25519 verify', `${fmt(verifyRate)} /s`, '', ''],
    ['limit: SHA-256 of an entry', `${fmt(rate(nCrypto * 5, shaMs))} /s`, '', ''],
  ];
  console.log(
    `ledger bench: ${N_SINGLE} single appends, ${N_BATCH} batched (batches of ${BATCH}), ${total} entries verified; node ${process.version}, ` +
      `${availableParallelism()} cores, 1-min load average ${loadAtStart.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end`,
  );
  for (const [what, figure, target, verdict] of lines) console.log(`${what.padEnd(50)} ${figure.padStart(18)}  ${target}${verdict ? `  ${verdict}` : ''}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
