import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../testing/corpora';
import { cli } from '../testing/run-cli';
import { FileSecretStore } from './keys/secret-store';
import { PHI_DATA_KEY } from './phi/vault';
import { Workstation } from './workstation';

const posix = process.platform !== 'win32';
const mode = (p: string) => statSync(p).mode & 0o777;
let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'rxl-modes-'));
  dirs.push(d);
  return d;
}

/** Every file and folder under dir (dir included) whose mode is not owner-only. */
function notPrivate(dir: string): string[] {
  const out: string[] = [];
  if (mode(dir) !== 0o700) out.push(`${dir} ${mode(dir).toString(8)}`);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...notPrivate(p));
    else if (mode(p) !== 0o600) out.push(`${p} ${mode(p).toString(8)}`);
  }
  return out;
}

describe.skipIf(!posix)('the data folder is private (issue 13 point 5)', () => {
  it('init on an existing 0755 folder makes it 0700 and the database, WAL, SHM, key and JSON files 0600', async () => {
    const data = join(tmp(), 'ws');
    // An existing folder, as the umask makes it.
    mkdirSync(data, { mode: 0o755 });
    chmodSync(data, 0o755);
    expect((await cli(['init', '--data', data, '--facility', 'MAIN01'], 'admin-password-1\n')).code).toBe(0);
    const ws = Workstation.open(data);
    try {
      ws.phi.warmUp(); // creates the PHI keys
      expect(existsSync(join(data, 'rxledger.db-wal'))).toBe(true);
      expect(notPrivate(data)).toEqual([]);
    } finally {
      ws.close();
    }
  });

  it('a folder from the previous version (0755, database 0644) is tightened when opened and keeps verifying', async () => {
    const data = join(tmp(), 'ws');
    cpSync(join(repoRoot, 'test', 'fixtures', 'v0.1-container-receipts'), data, { recursive: true });
    chmodSync(data, 0o755);
    for (const f of ['rxledger.db', 'workstation.json', 'README.md']) chmodSync(join(data, f), 0o644);
    chmodSync(join(data, 'device-signing.key'), 0o600);
    // What an interrupted key write of the previous version left.
    writeFileSync(join(data, `${PHI_DATA_KEY}.key.tmp`), Buffer.alloc(32, 7), { mode: 0o644 });
    Workstation.open(data).close();
    expect(notPrivate(data)).toEqual([]);
    expect(existsSync(join(data, `${PHI_DATA_KEY}.key.tmp`))).toBe(false);
    const v = await cli(['verify', '--data', data]);
    expect(v.stderr).toBe('');
    expect(v.code).toBe(0);
  });

  it('a key is written through a private temporary file that never stays behind, even when the write fails', () => {
    const dir = tmp();
    chmodSync(dir, 0o700);
    const store = new FileSecretStore(dir);
    store.write(PHI_DATA_KEY, Buffer.alloc(32, 1));
    expect(readdirSync(dir)).toEqual([`${PHI_DATA_KEY}.key`]);
    expect(mode(join(dir, `${PHI_DATA_KEY}.key`))).toBe(0o600);
    // The rename fails (the target is a folder): the temporary copy of the secret is removed.
    mkdirSync(join(dir, 'phi-token-key.key'));
    writeFileSync(join(dir, 'phi-token-key.key', 'x'), '');
    expect(() => store.write('phi-token-key', Buffer.alloc(32, 2))).toThrow();
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
