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
import { addUserByCli, seedDataDir, TEST_CATALOG } from '../testing/seed';

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

/** One value from the data folder's database, as text (a JSON array where the query builds one). */
function readDb(dir: string, sql: string): string {
  const db = new Database(join(dir, 'rxledger.db'), { readonly: true });
  try {
    return String((db.prepare(sql).get() as { j: unknown }).j);
  } finally {
    db.close();
  }
}

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
    const r = await cli(['ingest', '--data', data, '--as', 'admin', f, '--json'], 'admin-password-1\n');
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
    const r = await cli(['ingest', '--data', data, '--as', 'admin', bin, '--json'], 'admin-password-1\n');
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
    await cli(['ingest', '--data', data, '--as', 'admin', f], 'admin-password-1\n');
    const r = await cli(['ingest', '--data', data, '--as', 'admin', f, '--json'], 'admin-password-1\n');
    expect(JSON.parse(r.stdout)[0]).toMatchObject({ accepted: 0, duplicates: 2, rejected: 0 });
  });

  it('refuses a dispense of more than is on hand and keeps what was committed before', async () => {
    const f = file('over.ndjson', [rec({ quantity: 5 }), rec({ transaction_type: 'DISPENSE', quantity: 6, timestamp_utc: '2026-11-01T12:00:00Z' })]);
    const r = await cli(['ingest', '--data', data, '--as', 'admin', f, '--json'], 'admin-password-1\n');
    expect(JSON.parse(r.stdout)[0]).toMatchObject({ accepted: 1, rejected: 1 });
    expect(r.stderr).toMatch(/INSUFFICIENT_STOCK: 00002-1200-30 lot A123: 5 tablets on hand, cannot take 6 tablets/);
  });

  it('reads a 2 GB file with a single enormous line in bounded memory and keeps a reference to it', async () => {
    const big = join(tmp, 'huge.ndjson');
    writeFileSync(big, rec() + '\n');
    const fd = openSync(big, 'r+');
    ftruncateSync(fd, 2 * 1024 ** 3); // sparse: 2 GB of NUL bytes after the first line, no newline
    closeSync(fd);
    const before = process.memoryUsage().rss;
    const r = await cli(['ingest', '--data', data, '--as', 'admin', big, '--json'], 'admin-password-1\n');
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
    expect((await cli(['ingest', '--data', data, '--as', 'admin', join(tmp, 'nope.ndjson')], 'admin-password-1\n')).stderr).toMatch(/no such file/);
    expect((await cli(['ingest', '--data', data, '--as', 'admin', tmp], 'admin-password-1\n')).stderr).toMatch(/is a folder/);
  });

  it('says clearly when another program holds the database lock, and loses nothing', async () => {
    const f = file('locked.ndjson', [rec()]);
    const holder = new Database(join(data, 'rxledger.db'));
    holder.pragma('busy_timeout = 0');
    holder.exec('BEGIN IMMEDIATE');
    process.env.RXLEDGER_BUSY_TIMEOUT_MS = '50';
    const r = await cli(['ingest', '--data', data, '--as', 'admin', f], 'admin-password-1\n').finally(() => delete process.env.RXLEDGER_BUSY_TIMEOUT_MS);
    holder.exec('ROLLBACK');
    holder.close();
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/locked by another program/);
    const again = await cli(['ingest', '--data', data, '--as', 'admin', f, '--json'], 'admin-password-1\n');
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

describe('rxledger user add and passwd (Part 11 §11.10(d),(g), §11.300)', () => {
  const users = () => JSON.parse(readDb(data, 'SELECT json_group_array(user_id) AS j FROM users')) as string[];
  const audit = (action: string) => JSON.parse(readDb(data, `SELECT json_group_array(json_object('actor', actor, 'target', target)) AS j FROM audit_log WHERE action = '${action}'`)) as { actor: string; target: string }[];

  it('adds a user for a proven administrator, who is named in the audit trail; refuses an unknown role', async () => {
    const ok = await cli(['user', 'add', '--data', data, '--as', 'admin', '--user', 'tina', '--name', 'Tina Tech', '--role', 'technician', '--json'], 'admin-password-1\ntech-password-1\n');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ user_id: 'tina', role: 'technician', must_change_password: true });
    expect(audit('USER_CREATED')).toContainEqual({ actor: 'admin', target: 'tina' });
    const bad = await addUserByCli(cli, data, ['--user', 'x1', '--name', 'X', '--role', 'janitor'], 'whatever-password\n');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--role must be one of technician, pharmacist, manager, admin/);
  });

  it('refuses user add without --as, with a wrong password (audited, counted toward lockout) and for a non-administrator; nothing is added', async () => {
    const before = users();
    const none = await cli(['user', 'add', '--data', data, '--user', 'pat2', '--name', 'Pat Pharmacist, RPh', '--role', 'pharmacist', '--password-stdin'], 'weak-but-long-1\n');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/user add needs --as USER: .*Nothing was written/);
    const wrong = await cli(['user', 'add', '--data', data, '--as', 'admin', '--user', 'pat2', '--name', 'Pat Pharmacist, RPh', '--role', 'pharmacist'], 'not-the-admin-pw\nweak-but-long-1\n');
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toMatch(/BAD_CREDENTIALS: User ID or password is wrong\. 4 attempts left .*No user was changed/);
    expect(audit('SIGN_IN_FAILED')).toContainEqual({ actor: 'admin', target: 'admin' });
    const tech = await cli(['user', 'add', '--data', data, '--as', 'tech01', '--user', 'pat2', '--name', 'Pat Pharmacist, RPh', '--role', 'pharmacist'], 'tech01-password-1\nweak-but-long-1\n');
    expect(tech.code).toBe(4);
    expect(tech.stderr).toMatch(/FORBIDDEN: a technician may not manage users \(users\.manage/);
    expect(users()).toEqual(before);
  });

  it('refuses a second user with the same printed name, however it is spaced or cased', async () => {
    expect((await addUserByCli(cli, data, ['--user', 'pat', '--name', 'Pat Pharmacist, RPh', '--role', 'pharmacist'], 'pat-password-1')).code).toBe(0);
    const twin = await cli(['user', 'add', '--data', data, '--as', 'admin', '--user', 'pat2', '--name', 'pat  pharmacist ,RPh', '--role', 'pharmacist'], 'admin-password-1\nother-password-1\n');
    expect(twin.code).toBe(2);
    expect(twin.stderr).toMatch(/NAME_TAKEN: name: "pat  pharmacist ,RPh" is already the printed name of pat/);
    expect(users()).not.toContain('pat2');
  });

  it('a new account acts only after its owner changed the password the administrator chose; passwd reads old and new on two lines', async () => {
    expect((await cli(['user', 'add', '--data', data, '--as', 'admin', '--user', 'tina', '--name', 'Tina Tech', '--role', 'technician'], 'admin-password-1\nchosen-by-admin-1\n')).code).toBe(0);
    const f = file('t.ndjson', [rec()]);
    const early = await cli(['ingest', '--data', data, '--as', 'tina', f], 'chosen-by-admin-1\n');
    expect(early.code).toBe(4);
    expect(early.stderr).toMatch(/PASSWORD_CHANGE_REQUIRED: .*rxledger passwd --user tina --password-stdin/);
    expect(readDb(data, 'SELECT COUNT(*) AS j FROM ledger_entries')).toBe('0');
    const wrongOld = await cli(['passwd', '--data', data, '--user', 'tina', '--password-stdin'], 'not-it-at-all\nmy-own-password-1\n');
    expect(wrongOld.code).toBe(4);
    expect((await cli(['passwd', '--data', data, '--user', 'tina', '--password-stdin'], 'chosen-by-admin-1\nmy-own-password-1\n')).code).toBe(0);
    expect(audit('PASSWORD_CHANGED')).toContainEqual({ actor: 'tina', target: 'tina' });
    const after = await cli(['ingest', '--data', data, '--as', 'tina', f, '--json'], 'my-own-password-1\n');
    expect(after.code).toBe(0);
    // A reset puts the account back under the same rule.
    expect((await cli(['user', 'reset-password', '--data', data, '--as', 'admin', '--user', 'tina'], 'admin-password-1\nreset-by-admin-1\n')).code).toBe(0);
    expect((await cli(['ingest', '--data', data, '--as', 'tina', f], 'reset-by-admin-1\n')).stderr).toMatch(/PASSWORD_CHANGE_REQUIRED/);
  });
});

describe('every command that writes or exports names a proven user', () => {
  const count = (sql: string) => Number(readDb(data, sql));

  it('refuses ingest, catalog import, facility set, ingest --set, pos-token and report without credentials, writing nothing', async () => {
    const f = file('x.ndjson', [rec()]);
    const before = [count('SELECT COUNT(*) AS j FROM ledger_entries'), count('SELECT COUNT(*) AS j FROM audit_log'), count('SELECT COUNT(*) AS j FROM catalog_imports')];
    const refused = [
      await cli(['ingest', '--data', data, f]),
      await cli(['catalog', 'import', '--data', data, TEST_CATALOG]),
      await cli(['facility', 'set', '--data', data, '--name', 'Main Street Pharmacy', '--address', '1 Main St', '--dea-number', 'AB1234563']),
      await cli(['ingest', '--data', data, '--set', 'ingest.require_catalog=false']),
      await cli(['pos-token', '--data', data]),
      await cli(['report', 'audit', '--data', data, '--format', 'csv', '--out', join(tmp, 'a.csv')]),
    ];
    for (const r of refused) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/needs --(as|user) USER: it is recorded with the person who did it/);
      expect(r.stdout).toBe('');
    }
    expect([count('SELECT COUNT(*) AS j FROM ledger_entries'), count('SELECT COUNT(*) AS j FROM audit_log'), count('SELECT COUNT(*) AS j FROM catalog_imports')]).toEqual(before);
  });

  it('ingest with a wrong password is refused, audited, and nothing is imported', async () => {
    const r = await cli(['ingest', '--data', data, '--as', 'tech01', file('y.ndjson', [rec()])], 'wrong-password-9\n');
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/BAD_CREDENTIALS: .*Nothing was imported/);
    expect(count("SELECT COUNT(*) AS j FROM audit_log WHERE action = 'SIGN_IN_FAILED' AND actor = 'tech01'")).toBe(1);
    expect(count('SELECT COUNT(*) AS j FROM ledger_entries')).toBe(0);
  });

  it("an imported entry's actor is the proven submitter; the file's handler_id is only a claim; the audit trail never names cli", async () => {
    expect((await addUserByCli(cli, data, ['--user', 'mara', '--name', 'Mara Manager', '--role', 'manager'], 'manager-password-1')).code).toBe(0);
    expect((await cli(['ingest', '--data', data, '--as', 'mara', file('z.ndjson', [rec({ handler_id: 'tech01' })])], 'manager-password-1\n')).code).toBe(0);
    const body = JSON.parse(readDb(data, 'SELECT body AS j FROM ledger_entries ORDER BY seq DESC LIMIT 1')) as { actor: string; data: Record<string, unknown> };
    expect(body.actor).toBe('mara');
    expect(body.data.claimed_handler_id).toBe('tech01');
    expect((await cli(['facility', 'set', '--data', data, '--as', 'mara', '--name', 'Main Street Pharmacy', '--address', '1 Main St', '--dea-number', 'AB1234563'], 'manager-password-1\n')).code).toBe(0);
    expect((await cli(['pos-token', '--data', data, '--as', 'mara'], 'manager-password-1\n')).code).toBe(0);
    expect(count("SELECT COUNT(*) AS j FROM audit_log WHERE action = 'POS_TOKEN_VIEWED' AND actor = 'mara'")).toBe(1);
    expect(count("SELECT COUNT(*) AS j FROM audit_log WHERE actor = 'cli' OR actor LIKE 'cli:%'")).toBe(0);
    expect(count("SELECT COUNT(*) AS j FROM catalog_imports WHERE imported_by = 'cli' OR imported_by LIKE 'cli:%'")).toBe(0);
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
    await cli(['ingest', '--data', data, '--as', 'admin', file('p.ndjson', [rec(), rec({ lot_number: 'Z9', quantity: 7 })])], 'admin-password-1\n');
    const db = new Database(join(data, 'rxledger.db'));
    db.exec("UPDATE stock SET on_hand = 999 WHERE lot = 'Z9'");
    db.close();
    const found = await cli(['verify', '--data', data]);
    expect(found.code).toBe(3);
    expect(found.stderr).toMatch(/stock projection wrong for 00002-1200-30 lot Z9: shows 999, the ledger sums to 7/);
    const mended = await cli(['verify', '--data', data, '--rebuild-stock', '--as', 'admin'], 'admin-password-1\n');
    expect(mended.code).toBe(0);
    expect(mended.stderr).toMatch(/rebuilt from the ledger \(1 row\(s\) were wrong\)/);
    expect(JSON.parse((await cli(['stock', '--data', data, '--json'])).stdout)).toContainEqual(expect.objectContaining({ lot: 'Z9', on_hand: 7 }));
  });

  it('verify exits 3 and names device, seq and reason when an entry was changed', async () => {
    await cli(['ingest', '--data', data, '--as', 'admin', file('v.ndjson', [rec(), rec({ lot_number: 'Z9' })])], 'admin-password-1\n');
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
