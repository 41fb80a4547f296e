import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, rmSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../testing/corpora';
import { writeBigX12 } from '../../testing/big-x12';
import { tempWorkstation } from '../../testing/temp-workstation';
import { QUARANTINE_FILES_DIR } from './x12-file';

/**
 * 500 MB files ("Bad input" of the ingestion issue): the CLI runs in a child process whose
 * JavaScript heap is capped well below the file size, so a reader that held the file, or one
 * transaction set of it, would die instead of answering.
 */
const SIZE = 500 << 20;
const HEAP_MB = 192;
const needBytes = 4 * SIZE;
const free = (() => {
  try {
    const s = statfsSync(tmpdir());
    return s.bavail * s.bsize;
  } catch {
    return 0;
  }
})();
const enoughDisk = free > needBytes;
if (!enoughDisk) console.warn(`[x12-large] skipped: ${tmpdir()} has ${Math.round(free / 2 ** 20)} MB free, these tests write about ${needBytes / 2 ** 20} MB`);

async function rxledger(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [`--max-old-space-size=${HEAP_MB}`, join(repoRoot, 'bin', 'rxledger.mjs'), ...args],
      { maxBuffer: 64 << 20, env: { ...process.env, NODE_OPTIONS: '' } },
      (err, stdout, stderr) => {
        if (!err) return resolve({ code: 0, stdout, stderr });
        const e = err as { code?: number; signal?: string };
        resolve({ code: typeof e.code === 'number' ? e.code : -1, stdout, stderr: `${stderr}${e.signal ? ` (signal ${e.signal})` : ''}` });
      },
    );
    // An import acts for a user who proves it: the password on standard input (--as).
    child.stdin!.end(stdin);
  });
}

async function sha256OfFile(file: string, start = 0, end?: number): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(file, { start, ...(end !== undefined ? { end: end - 1 } : {}) }) as AsyncIterable<Buffer>) h.update(c);
  return h.digest('hex');
}

describe.skipIf(!enoughDisk)('500 MB X12 files', () => {
  let dir: string;
  let oneSet: string;
  let garbage: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rxl-big-'));
    oneSet = join(dir, 'one-set.x12');
    garbage = join(dir, 'garbage.x12');
    writeBigX12(oneSet, 'one-set', SIZE);
    writeBigX12(garbage, 'garbage', SIZE);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('edi check reads a 500 MB single transaction set in bounded memory and rejects it with a clear error', async () => {
    const r = await rxledger(['edi', 'check', oneSet, '--json']);
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as { valid: boolean; errors: Array<{ code: string; message: string }>; transactions: Array<{ type: string; segments: number; valid: boolean }> };
    expect(out.valid).toBe(false);
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]!.code).toBe('AK3:4');
    expect(out.errors[0]!.message).toMatch(/larger than 8 MB.*split into several sets/);
    // Every segment was still counted: SE01 agrees, so the only error is the size.
    expect(out.transactions).toHaveLength(1);
    expect(out.transactions[0]!.segments).toBeGreaterThan(20_000_000);
    expect(out.transactions[0]!.valid).toBe(false);
  }, 180_000);

  it('ingest quarantines the oversized set whole (a kept copy with its sha256), commits nothing, and does not keep it twice', async () => {
    const t = tempWorkstation({ seed: true });
    const data = t.dir;
    t.ws.close();
    try {
      const first = await rxledger(['ingest', '--data', data, '--as', 'tech01', oneSet, '--json'], 'tech01-password-1\n');
      expect(first.code, first.stderr).not.toBe(-1);
      const [res] = JSON.parse(first.stdout) as Array<{ accepted: number; duplicates: number; quarantined: number }>;
      expect(res).toMatchObject({ accepted: 0, duplicates: 0, quarantined: 1 });

      const list = JSON.parse((await rxledger(['quarantine', 'list', '--data', data, '--json'])).stdout) as Array<{ id: number; sha256: string; reasons: string[]; status: string }>;
      expect(list).toHaveLength(1);
      expect(list[0]!.reasons).toContain('EDI_REJECTED');
      expect(list[0]!.status).toBe('open');
      // The kept bytes are the set, ST through SE, byte for byte: the ISA/GS header (and
      // GE/IEA trailer) are outside it.
      const header = 'ISA*00*          *00*          *ZZ*WHOLESALER     *ZZ*PHARMACY01     *240607*1200*U*00401*000000101*0*P*>~\nGS*PD*WHOLESALER*PHARMACY01*20240607*1200*101*X*004010~\n'.length;
      const trailer = 'GE*1*101~\nIEA*1*000000101~\n'.length;
      const size = statSync(oneSet).size;
      const expectedSha = await sha256OfFile(oneSet, header, size - trailer);
      expect(list[0]!.sha256).toBe(expectedSha);
      const kept = join(data, QUARANTINE_FILES_DIR, `${expectedSha}.raw`);
      expect(existsSync(kept)).toBe(true);
      expect(statSync(kept).size).toBe(size - trailer - header);
      expect(await sha256OfFile(kept)).toBe(expectedSha);

      // The same file again: nothing committed, the same item, the same kept copy.
      const again = await rxledger(['ingest', '--data', data, '--as', 'tech01', oneSet, '--json'], 'tech01-password-1\n');
      expect(JSON.parse(again.stdout)[0]).toMatchObject({ accepted: 0, duplicates: 0 });
      const list2 = JSON.parse((await rxledger(['quarantine', 'list', '--data', data, '--json'])).stdout) as unknown[];
      expect(list2).toHaveLength(1);
      const v = await rxledger(['verify', '--data', data, '--json']);
      expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, checked: 0 });
    } finally {
      rmSync(join(data, '..'), { recursive: true, force: true });
    }
  }, 300_000);

  it('ingest keeps 500 MB of binary garbage whole, as one NOT_TEXT item with a kept copy', async () => {
    const t = tempWorkstation({ seed: true });
    const data = t.dir;
    t.ws.close();
    try {
      const r = await rxledger(['ingest', '--data', data, '--as', 'tech01', garbage, '--json'], 'tech01-password-1\n');
      expect(r.code, r.stderr).not.toBe(-1);
      expect(JSON.parse(r.stdout)[0]).toMatchObject({ accepted: 0, quarantined: 1 });
      const list = JSON.parse((await rxledger(['quarantine', 'list', '--data', data, '--json'])).stdout) as Array<{ sha256: string; reasons: string[] }>;
      const sha = await sha256OfFile(garbage);
      expect(list).toEqual([expect.objectContaining({ sha256: sha, reasons: ['NOT_TEXT'] })]);
      expect(statSync(join(data, QUARANTINE_FILES_DIR, `${sha}.raw`)).size).toBe(SIZE);
    } finally {
      rmSync(join(data, '..'), { recursive: true, force: true });
    }
  }, 300_000);
});
