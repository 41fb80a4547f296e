import { execFile } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../testing/corpora';
import { cli } from '../testing/run-cli';
import { drugRecordLine } from '../testing/drug-records';
import { seedDataDir } from '../testing/seed';

let tmp: string;
let data: string;
beforeEach(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'rxl-cli-'));
  data = join(tmp, 'ws');
  const r = await cli(['init', '--data', data, '--facility', 'MAIN01', '--json'], 'admin-password-1\n');
  expect(r.code).toBe(0);
  // The gate is strict: the fixtures' NDCs in the catalog, their handler (tech01) a user.
  await seedDataDir(cli, data);
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const rec = drugRecordLine;

function file(name: string, lines: string[]): string {
  const p = join(tmp, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

describe('rxledger init', () => {
  it('creates the data folder, device key and administrator, and refuses to run twice', async () => {
    const again = await cli(['init', '--data', data, '--facility', 'MAIN01'], 'admin-password-1\n');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds an RxLedger workstation; nothing was changed/);
  });
  it('refuses a weak administrator password', async () => {
    const r = await cli(['init', '--data', join(tmp, 'other'), '--facility', 'MAIN01'], 'short\n');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/at least 10 characters/);
  });
});

describe('rxledger ingest', () => {
  it('commits good lines, counts duplicates, and reports each bad line with its number and reason', async () => {
    const f = file('mixed.ndjson', [
      rec(),
      rec({ transaction_type: 'DISPENSE', quantity: 10, timestamp_utc: '2026-11-01T11:00:00Z' }),
      rec({ transaction_type: 'DISPENSE', quantity: 10, timestamp_utc: '2026-11-01T11:00:00Z' }),
      '{"ndc": "0002-1200-30", broken',
      rec({ quantity: 0 }),
      rec({ quantity: -5 }),
      rec({ transaction_type: 'TRANSFER' }),
      JSON.stringify({ ndc: '0002-1200-30', quantity: 4 }),
      rec({ idempotency_key: 'po-1', quantity: 5 }),
      rec({ idempotency_key: 'po-1', quantity: 6 }),
    ]);
    const r = await cli(['ingest', '--data', data, f, '--json']);
    expect(JSON.parse(r.stdout)).toEqual([{ file: f, accepted: 3, duplicates: 1, rejected: 6, quarantined: 6 }]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/:4: MALFORMED_JSON/);
    expect(r.stderr).toMatch(/:5: .*BAD_QUANTITY.*receipt needs a quantity above 0 \(got 0\)/);
    expect(r.stderr).toMatch(/:6: .*got -5/);
    expect(r.stderr).toMatch(/:7: .*UNKNOWN_TRANSACTION_TYPE/);
    expect(r.stderr).toMatch(/:8: .*MISSING_FIELD/);
    expect(r.stderr).toMatch(/:10: IDEMPOTENCY_CONFLICT/);
    const stock = JSON.parse((await cli(['stock', '--data', data, '--json'])).stdout);
    expect(stock).toMatchObject([{ ndc: '00002-1200-30', lot: 'A123', on_hand: 95, schedule: 'CII' }]);
    // The bad lines are kept whole, byte for byte.
    const db = new Database(join(data, 'rxledger.db'), { readonly: true });
    const kept = db.prepare('SELECT raw FROM quarantine ORDER BY id').all() as { raw: Buffer }[];
    db.close();
    expect(kept[0]!.raw.toString()).toBe('{"ndc": "0002-1200-30", broken');
    expect((await cli(['verify', '--data', data])).code).toBe(0);
  });

  it('keeps a binary file whole as one NOT_TEXT item instead of reading it line by line', async () => {
    const bin = join(tmp, 'photo.jpg');
    // A JPEG-like header, NUL bytes, and newlines that would otherwise split it into "lines".
    const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), Buffer.from('JFIF\n{"ndc":\n\n'), Buffer.alloc(3000, 7), Buffer.from([0, 0, 10, 10])]);
    writeFileSync(bin, bytes);
    const r = await cli(['ingest', '--data', data, bin, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([{ file: bin, accepted: 0, duplicates: 0, rejected: 1, quarantined: 1 }]);
    expect(r.stderr).toMatch(/NOT_TEXT: .*photo\.jpg is binary/);
    const db = new Database(join(data, 'rxledger.db'), { readonly: true });
    const kept = db.prepare('SELECT raw, reasons FROM quarantine').all() as { raw: Buffer; reasons: string }[];
    db.close();
    expect(kept).toHaveLength(1);
    expect(Buffer.compare(kept[0]!.raw, bytes)).toBe(0);
    expect(JSON.parse(kept[0]!.reasons)).toEqual(['NOT_TEXT']);
  });

  it('ingesting the same file twice commits nothing the second time', async () => {
    const f = file('twice.ndjson', [rec(), rec({ lot_number: 'B1' })]);
    await cli(['ingest', '--data', data, f]);
    const r = await cli(['ingest', '--data', data, f, '--json']);
    expect(JSON.parse(r.stdout)[0]).toMatchObject({ accepted: 0, duplicates: 2, rejected: 0 });
  });

  it('refuses a dispense of more than is on hand and keeps what was committed before', async () => {
    const f = file('over.ndjson', [rec({ quantity: 5 }), rec({ transaction_type: 'DISPENSE', quantity: 6, timestamp_utc: '2026-11-01T12:00:00Z' })]);
    const r = await cli(['ingest', '--data', data, f, '--json']);
    expect(JSON.parse(r.stdout)[0]).toMatchObject({ accepted: 1, rejected: 1 });
    expect(r.stderr).toMatch(/INSUFFICIENT_STOCK: 00002-1200-30 lot A123: 5 on hand, cannot take 6/);
  });

  it('reads a 2 GB file with a single enormous line in bounded memory and keeps a reference to it', async () => {
    const big = join(tmp, 'huge.ndjson');
    writeFileSync(big, rec() + '\n');
    const fd = openSync(big, 'r+');
    ftruncateSync(fd, 2 * 1024 ** 3); // sparse: 2 GB of NUL bytes after the first line, no newline
    closeSync(fd);
    const before = process.memoryUsage().rss;
    const r = await cli(['ingest', '--data', data, big, '--json']);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    expect(JSON.parse(r.stdout)[0]).toMatchObject({ accepted: 1, rejected: 1 });
    expect(r.stderr).toMatch(/:2: LINE_TOO_LONG/);
    // The line is kept whole, as a copy in the data folder named by its sha256: the source
    // file may be moved or deleted.
    const [item] = JSON.parse((await cli(['quarantine', 'list', '--data', data, '--json'])).stdout) as Array<{ sha256: string; reasons: string[] }>;
    expect(item!.reasons).toEqual(['LINE_TOO_LONG']);
    const lineLength = 2 * 1024 ** 3 - (rec() + '\n').length;
    expect(statSync(join(data, 'quarantine-files', `${item!.sha256}.raw`)).size).toBe(lineLength);
    rmSync(big);
  }, 120_000);

  it('names a missing file and a folder', async () => {
    expect((await cli(['ingest', '--data', data, join(tmp, 'nope.ndjson')])).stderr).toMatch(/no such file/);
    expect((await cli(['ingest', '--data', data, tmp])).stderr).toMatch(/is a folder/);
  });

  it('says clearly when another program holds the database lock, and loses nothing', async () => {
    const f = file('locked.ndjson', [rec()]);
    const holder = new Database(join(data, 'rxledger.db'));
    holder.pragma('busy_timeout = 0');
    holder.exec('BEGIN IMMEDIATE');
    process.env.RXLEDGER_BUSY_TIMEOUT_MS = '50';
    const r = await cli(['ingest', '--data', data, f]).finally(() => delete process.env.RXLEDGER_BUSY_TIMEOUT_MS);
    holder.exec('ROLLBACK');
    holder.close();
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/locked by another program/);
    const again = await cli(['ingest', '--data', data, f, '--json']);
    expect(JSON.parse(again.stdout)[0]).toMatchObject({ accepted: 1 });
  }, 60_000);
});

describe('a data folder from a newer RxLedger', () => {
  it('is refused with a clear message and left untouched', async () => {
    const db = new Database(join(data, 'rxledger.db'));
    db.pragma('user_version = 999');
    db.close();
    const r = await cli(['stock', '--data', data, '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/written by a newer RxLedger \(database version 999.*Nothing was changed/);
  });
});

describe('rxledger user add', () => {
  it('adds a user from a password on stdin and refuses an unknown role', async () => {
    const ok = await cli(['user', 'add', '--data', data, '--user', 'tina', '--name', 'Tina Tech', '--role', 'technician', '--password-stdin', '--json'], 'tech-password-1\n');
    expect(JSON.parse(ok.stdout)).toMatchObject({ user_id: 'tina', role: 'technician' });
    const bad = await cli(['user', 'add', '--data', data, '--user', 'x1', '--name', 'X', '--role', 'janitor', '--password-stdin'], 'whatever-password\n');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--role must be one of technician, pharmacist, manager, admin/);
  });
});

describe('the installed command', () => {
  it('runs through npx-style bin with --help, and exits non-zero on an unknown command', async () => {
    const run = promisify(execFile);
    const help = await run(process.execPath, [join(repoRoot, 'bin', 'rxledger.mjs'), '--help']);
    expect(help.stdout).toMatch(/usage: rxledger COMMAND/);
    await expect(run(process.execPath, [join(repoRoot, 'bin', 'rxledger.mjs'), 'frobnicate'])).rejects.toMatchObject({ code: 2 });
  }, 30_000);

  it('verify finds a stock projection that disagrees with the ledger, and --rebuild-stock mends it from the ledger', async () => {
    await cli(['ingest', '--data', data, file('p.ndjson', [rec(), rec({ lot_number: 'Z9', quantity: 7 })])]);
    const db = new Database(join(data, 'rxledger.db'));
    db.exec("UPDATE stock SET on_hand = 999 WHERE lot = 'Z9'");
    db.close();
    const found = await cli(['verify', '--data', data]);
    expect(found.code).toBe(3);
    expect(found.stderr).toMatch(/stock projection wrong for 00002-1200-30 lot Z9: shows 999, the ledger sums to 7/);
    const mended = await cli(['verify', '--data', data, '--rebuild-stock']);
    expect(mended.code).toBe(0);
    expect(mended.stderr).toMatch(/rebuilt from the ledger \(1 row\(s\) were wrong\)/);
    expect(JSON.parse((await cli(['stock', '--data', data, '--json'])).stdout)).toContainEqual(expect.objectContaining({ lot: 'Z9', on_hand: 7 }));
  });

  it('verify exits 3 and names device, seq and reason when an entry was changed', async () => {
    await cli(['ingest', '--data', data, file('v.ndjson', [rec(), rec({ lot_number: 'Z9' })])]);
    const db = new Database(join(data, 'rxledger.db'));
    db.exec('DROP TRIGGER ledger_entries_no_update');
    db.exec("UPDATE ledger_entries SET body = replace(body, 'Z9', 'Z8') WHERE seq = 2");
    db.close();
    const r = await cli(['verify', '--data', data, '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).failure).toMatchObject({ seq: 2 });
    expect(r.stderr).toMatch(/verification failed at device dev-[0-9a-f-]+ seq 2: hash does not match/);
  });
});
