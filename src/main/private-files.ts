import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Owner-only modes for a workstation's data folder. The ledger, the audit trail, the key files
 * and quarantined input (which may hold PHI) are readable by nobody else on the computer
 * (HIPAA §164.312(a)); a folder made by an older version with the umask's 0755/0644 is
 * tightened the next time it is opened.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Windows has no POSIX modes; its ACLs follow the user profile the folder lives in. */
const POSIX = process.platform !== 'win32';

/** Sub-folders of the data folder that hold files (quarantine-files, …): tightened the same way. */
function tightenTree(dir: string): void {
  chmodSync(dir, PRIVATE_DIR_MODE);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) tightenTree(p);
    else if (e.isFile()) {
      // A key file's temporary twin from an interrupted write of an earlier version: the rename
      // never happened, so the real key is the one without ".tmp"; the copy must not linger.
      if (/\.key\.tmp$/.test(e.name)) rmSync(p, { force: true });
      else chmodSync(p, PRIVATE_FILE_MODE);
    }
  }
}

/**
 * Creates the data folder owner-only, or tightens an existing one and everything in it to
 * 0700/0600. Run on every open: a copy restored from a backup or made by an older version
 * keeps working and is private again.
 */
export function privateDataFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!POSIX) return;
  try {
    tightenTree(dir);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EPERM') {
      throw new Error(`${e.path ?? dir} belongs to another user, so its mode cannot be made owner-only; run RxLedger as the user who owns ${dir}`);
    }
    throw err;
  }
}

/**
 * SQLite creates a database's -wal and -shm files with the database file's own mode, so a
 * database file made 0600 before SQLite first opens it keeps its companions private too.
 */
export function privateDatabaseFile(file: string): void {
  if (!POSIX) return;
  if (!existsSync(file)) closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (existsSync(f) && (statSync(f).mode & 0o777) !== PRIVATE_FILE_MODE) chmodSync(f, PRIVATE_FILE_MODE);
  }
}

/**
 * Writes a file whole or not at all, owner-only from its first byte: a temporary file of its
 * own name (so two writers never share one), fsynced, renamed over the target; removed when
 * anything fails, so no copy of a secret is left behind.
 */
export function writePrivateFileAtomic(path: string, data: Buffer): void {
  const tmp = `${path}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'wx', PRIVATE_FILE_MODE);
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    // openSync's mode is filtered by the umask; 0600 is wanted whatever the umask is.
    if (POSIX) chmodSync(tmp, PRIVATE_FILE_MODE);
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
}
