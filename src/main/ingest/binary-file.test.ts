import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileLooksBinary } from './binary-file';

const dir = mkdtempSync(join(tmpdir(), 'rxledger-binary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, bytes: Buffer | string) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

describe('fileLooksBinary', () => {
  it('takes bytes that begin with a short clean "line" for what they are (random data does, now and then)', () => {
    const bytes = Buffer.concat([Buffer.from('\nAb\n'), Buffer.from([0x00, 0xff, 0xfe, 0x81, 0x10, 0x00, 0xc3, 0x28]), Buffer.alloc(200, 0x9f)]);
    expect(fileLooksBinary(file('short-clean-start.x12', bytes))).toBe(true);
  });

  it('reads a text file whose first line is short, or which is damaged after 64 bytes, as text', () => {
    expect(fileLooksBinary(file('short-first.ndjson', `{}\n${'{"ndc":"00002-1200-30","lot":"A1"}\n'.repeat(3)}`))).toBe(false);
    const damaged = Buffer.concat([Buffer.from('{"type":"RECEIPT","ndc":"00002-1200-30","lot":"A1","quantity":100,"handler_id":"tech01"}\n'), Buffer.from([0x00, 0xff]), Buffer.from('\n')]);
    expect(fileLooksBinary(file('damaged-later.ndjson', damaged))).toBe(false);
  });
});
