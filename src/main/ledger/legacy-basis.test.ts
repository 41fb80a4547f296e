import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../testing/corpora';
import Database from 'better-sqlite3';
import { hashPassword } from '../auth/passwords';
import { cli } from '../../testing/run-cli';
import { openDatabase } from '../db/open';
import { parseCsv } from '../../shared/reports/csv';

const FIXTURE = join(repoRoot, 'test', 'fixtures', 'v0.1-container-receipts');
const ALPRAZOLAM = '59762-3721-01';
const OXYCODONE = '65162-0047-10';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A copy of the version 0.1 folder, as a pharmacy upgrading would have it. */
function legacyFolder(): string {
  const d = mkdtempSync(join(tmpdir(), 'rxl-legacy-'));
  dirs.push(d);
  const ws = join(d, 'ws');
  cpSync(FIXTURE, ws, { recursive: true });
  // Git keeps no file modes but 644/755: the key file was 0600 in the folder 0.1 made.
  chmodSync(join(ws, 'device-signing.key'), 0o600);
  // 0.1 had only its technician; the commands below that write need a proven administrator.
  // Written straight into the copy: opening it as a workstation first would upgrade it before the test looks.
  const db = new Database(join(ws, 'rxledger.db'));
  db.prepare("INSERT INTO users (user_id, name, role, password_hash, must_change_password, created_at) VALUES ('admin', 'Administrator', 'admin', ?, 0, '2026-01-01T00:00:00Z')").run(hashPassword('admin-password-1'));
  db.close();
  return ws;
}

const entries = (dir: string) => {
  const db = openDatabase(join(dir, 'rxledger.db'), { readonly: true });
  try {
    return db.prepare<[], { seq: number; hash: string; body: string }>('SELECT seq, hash, body FROM ledger_entries ORDER BY seq').all();
  } finally {
    db.close();
  }
};

describe('a folder made by version 0.1, whose receipts were recorded in containers', () => {
  it('reads in dosage units after the upgrade: a bottle of 100 alprazolam is 100 tablets, not 1', async () => {
    const dir = legacyFolder();
    const before = entries(dir);
    expect(before.map((e) => JSON.parse(e.body).data.quantity_basis as unknown)).toEqual(['containers', 'containers', undefined]);

    // Before anything opens it for writing, verify sees a projection in containers.
    const stale = await cli(['verify', '--data', dir, '--json']);
    expect(stale.code).toBe(3);
    const report = JSON.parse(stale.stdout) as { stock_mismatches: { ndc: string; projected: number; fromLedger: number }[] };
    expect(report.stock_mismatches).toEqual(
      expect.arrayContaining([expect.objectContaining({ ndc: ALPRAZOLAM, projected: 0, fromLedger: 99 }), expect.objectContaining({ ndc: OXYCODONE, projected: 1, fromLedger: 100 })]),
    );

    const rebuilt = await cli(['verify', '--data', dir, '--rebuild-stock', '--as', 'admin'], 'admin-password-1\n');
    expect(rebuilt.stderr).not.toMatch(/stock projection wrong/);
    expect(rebuilt.code).toBe(0);

    const stock = JSON.parse((await cli(['stock', '--data', dir, '--json'])).stdout) as { ndc: string; lot: string; on_hand: number; unit?: string }[];
    expect(stock.find((s) => s.ndc === ALPRAZOLAM)).toMatchObject({ lot: 'ALP1', on_hand: 99 });
    expect(stock.find((s) => s.ndc === OXYCODONE)).toMatchObject({ lot: 'OXY9', on_hand: 100 });

    // The DEA records read it in units too.
    expect((await cli(['facility', 'set', '--data', dir, '--as', 'admin', '--name', 'Main Street Pharmacy', '--address', '1 Main St, Springfield, IL', '--dea-number', 'AB1234563'], 'admin-password-1\n')).code).toBe(0);
    const out = join(dir, '..', 'receipts.csv');
    expect((await cli(['report', 'receipts', '--data', dir, '--from', '2026-11-01', '--to', '2026-11-30', '--format', 'csv', '--out', out, '--user', 'admin', '--password-stdin'], 'admin-password-1\n')).code).toBe(0);
    const records = parseCsv(readFileSync(out, 'utf8'));
    const col = (k: string) => records[0]!.indexOf(k);
    const alp = records.find((r) => r[0] === 'line' && r[col('ndc')] === ALPRAZOLAM)!;
    expect([alp[col('containers')], alp[col('units_per_container')], alp[col('units')], alp[col('unit')]]).toEqual(['1', '100', '100', 'TABLET']);
    const log = join(dir, '..', 'cii.csv');
    expect((await cli(['report', 'cii-log', '--data', dir, '--from', '2026-11-01', '--to', '2026-11-30', '--format', 'csv', '--out', log, '--user', 'admin', '--password-stdin'], 'admin-password-1\n')).code).toBe(0);
    const cii = parseCsv(readFileSync(log, 'utf8'));
    expect(cii.find((r) => r[0] === 'closing')![cii[0]!.indexOf('balance')]).toBe('100');

    // The ledger kept every byte.
    expect(entries(dir)).toEqual(before);
    expect(readFileSync(join(dir, 'workstation.json'), 'utf8')).toBe(readFileSync(join(FIXTURE, 'workstation.json'), 'utf8'));
  });

  it('is re-projected in units the first time the new version opens it, and says so in the audit trail', async () => {
    const dir = legacyFolder();
    const stock = JSON.parse((await cli(['stock', '--data', dir, '--ndc', ALPRAZOLAM, '--json'])).stdout) as { on_hand: number }[];
    expect(stock[0]).toMatchObject({ on_hand: 99 });
    const ok = await cli(['verify', '--data', dir]);
    expect(ok.code).toBe(0);
    const db = openDatabase(join(dir, 'rxledger.db'), { readonly: true });
    try {
      const row = db.prepare<[], { actor: string; details: string }>("SELECT actor, details FROM audit_log WHERE action = 'STOCK_REPROJECTED'").get()!;
      expect(JSON.parse(row.details)).toMatchObject({ entries: [{ seq: 1, ndc: ALPRAZOLAM, containers: 1, units_per_container: 100 }, { seq: 2, ndc: OXYCODONE, containers: 1, units_per_container: 100 }] });
    } finally {
      db.close();
    }
  });
});
