import { closeSync, fsyncSync, openSync, statSync } from 'node:fs';
import type { Db } from './open';

/**
 * Makes the WAL file as large as it will ever need to be, before a host takes requests, so that
 * commits overwrite blocks the file already has instead of extending it.
 *
 * Why: on ext4 (and most journalling file systems) an fsync of a file that grew must also commit
 * the file system's journal (new blocks, new size), shared with every other writer on the disk;
 * an fsync of blocks that are only overwritten does not grow the file. SQLite never shrinks the
 * WAL while the database is open (no journal_size_limit is set) and restarts it from the front
 * after a checkpoint, so once it has reached its largest size every later commit is an
 * overwrite. Measured here (docs/benchmarks.md, "POS latency"): a 28-page commit's p90 was
 * 1.6 ms while the WAL grew and 0.7 ms once it was only overwritten. A just-started POS station
 * would otherwise grow its WAL through its first seconds of dispenses, the very requests the
 * "first 10 s" target is about.
 *
 * How, without writing anything: one write transaction that creates a scratch table and fills it
 * with a page of zeros per row, on a page cache so small that SQLite must spill the dirty pages
 * into the WAL as uncommitted frames, then ROLLBACK. Frames with no commit frame after them are
 * never part of the database (a crash now or later reads the WAL up to its last commit frame),
 * the rollback leaves the WAL's committed end where it was, and the next commit writes over them.
 * The new blocks are then fsynced once, here, rather than by the first real commit.
 *
 * Best effort: if another connection holds the write lock, or anything fails, it gives up and
 * the first commits only grow the WAL as before. Returns the WAL's size in bytes afterwards
 * (0 when it did nothing).
 */
export function reserveWalRoom(db: Db): number {
  const walFile = `${db.name}-wal`;
  if (db.inTransaction || db.readonly || db.memory) return 0;
  const journal = String(db.pragma('journal_mode', { simple: true }));
  if (journal !== 'wal') return 0;
  const pageSize = Number(db.pragma('page_size', { simple: true }));
  // The main connection checkpoints (and restarts the WAL) at this many frames at the latest.
  const frames = Number(db.pragma('wal_autocheckpoint', { simple: true }));
  if (!(frames > 0) || !(pageSize > 0)) return 0;
  const wanted = 32 + frames * (pageSize + 24);
  if (sizeOf(walFile) >= wanted) return sizeOf(walFile);

  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  let began = false;
  try {
    db.pragma('cache_size = 16');
    db.exec('BEGIN IMMEDIATE');
    began = true;
    db.exec('CREATE TABLE rxledger_wal_room (b BLOB)');
    // A row of a little less than a page is one leaf page each (no overflow page).
    const fill = db.prepare('INSERT INTO rxledger_wal_room (b) VALUES (zeroblob(?))');
    const rowBytes = pageSize - 100;
    for (let i = 0; i < frames && sizeOf(walFile) < wanted; i += 256) {
      for (let k = 0; k < 256; k++) fill.run(rowBytes);
    }
  } catch {
    // Busy, or a disk too full to hold the room: nothing changed, commits grow the WAL as before.
  } finally {
    if (began) db.exec('ROLLBACK');
    db.pragma(`cache_size = ${cacheSize}`);
  }
  const size = sizeOf(walFile);
  if (size > 0) {
    let fd: number | null = null;
    try {
      // A descriptor of our own on the WAL: SQLite keeps no POSIX locks on the WAL file (its
      // locks are on the -shm and the database file), so closing this one releases none of them.
      fd = openSync(walFile, 'r+');
      fsyncSync(fd);
    } catch {
      // Not synced now: the first commit's fsync writes the blocks instead.
    } finally {
      if (fd !== null) closeSync(fd);
    }
  }
  return size;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
