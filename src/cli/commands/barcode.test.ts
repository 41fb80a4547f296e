import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliError, type CliIO } from '../io';
import { barcodeCommand } from './barcode';

// GTIN-14 of NDC 0002-1200-30, valid check digit.
const GTIN = '00300021200305';
const KEYS = ['ok', 'symbology', 'gtin', 'ndc', 'lot', 'expiry', 'serial', 'error'];

function fakeIo(stdinText?: string) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  if (stdinText !== undefined) stdin.end(stdinText);
  const io: CliIO = { stdin, stdout, stderr, env: {} };
  return { io, stdin, out: () => out, err: () => err };
}

async function run(argv: string[], stdinText?: string) {
  const f = fakeIo(stdinText);
  const code = await barcodeCommand(argv, f.io);
  return { code, out: f.out(), err: f.err(), lines: f.out().split('\n').filter(Boolean) };
}

describe('rxledger barcode', () => {
  it('--json prints exactly the documented keys, absent fields null', async () => {
    const { code, lines } = await run(['--json', `]d201${GTIN}1727033110LOT1\x1d21SN1`]);
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    const obj = JSON.parse(lines[0] ?? '');
    expect(Object.keys(obj)).toEqual(KEYS);
    expect(obj).toEqual({ ok: true, symbology: 'GS1 DataMatrix', gtin: GTIN, ndc: null, lot: 'LOT1', expiry: '2027-03-31', serial: 'SN1', error: null });
  });

  it('gives the NDC where it is certain (typed with hyphens)', async () => {
    const { lines } = await run(['--json', '0002-1200-30']);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ ok: true, ndc: '00002-1200-30', gtin: null });
  });

  it('accepts textual GS stand-ins', async () => {
    const { code, lines } = await run(['--json', `01${GTIN}10L1<GS>17270331`]);
    expect(code).toBe(0);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ lot: 'L1', expiry: '2027-03-31' });
  });

  it('accepts a remapped separator with --separator', async () => {
    const { lines } = await run(['--json', '--separator', '|', `01${GTIN}10L1|17270331`]);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ ok: true, lot: 'L1', expiry: '2027-03-31' });
  });

  it('exits 1 for a code that cannot be read, with the reason in the JSON', async () => {
    const { code, lines } = await run(['--json', `01${GTIN}17251332`]);
    expect(code).toBe(1);
    const obj = JSON.parse(lines[0] ?? '');
    expect(obj.ok).toBe(false);
    expect(obj.error).toMatch(/AI 17.*month 13/);
  });

  it('prints a short summary without --json, and the reason on stderr on failure', async () => {
    const good = await run([`01${GTIN}1727033110L1`]);
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/GTIN\s+00300021200305/);
    expect(good.out).toMatch(/Expiry\s+2027-03-31/);
    expect(good.out).toMatch(/NDC\s+not resolved without the catalog: 00002-1200-30/);
    const bad = await run(['0105901234123458']);
    expect(bad.code).toBe(1);
    expect(bad.out).toBe('');
    expect(bad.err).toMatch(/check digit/);
  });

  it('stdin: one JSON object a line, carrying on past bad lines, exit 0', async () => {
    const input = [`]C101${GTIN}17270331`, 'garbage', '', `https://id.gs1.org/01/${GTIN}/21/X9`, '0002-1200-30'].join('\r\n') + '\r\n';
    const { code, lines } = await run(['--json', '-'], input);
    expect(code).toBe(0);
    const objs = lines.map((l) => JSON.parse(l));
    expect(objs.map((o) => o.ok)).toEqual([true, false, false, true, true]);
    expect(objs[0]).toMatchObject({ symbology: 'GS1-128', expiry: '2027-03-31' });
    expect(objs[3]).toMatchObject({ serial: 'X9' });
    for (const o of objs) expect(Object.keys(o)).toEqual(KEYS);
  });

  it('stdin: exits 1 when stdin cannot be read', async () => {
    const f = fakeIo();
    const pending = barcodeCommand(['--json', '-'], f.io);
    f.stdin.destroy(new Error('EIO'));
    expect(await pending).toBe(1);
    expect(f.err()).toMatch(/could not read stdin: EIO/);
  });

  it('usage errors are CliErrors (exit 2)', async () => {
    await expect(run([])).rejects.toBeInstanceOf(CliError);
    await expect(run(['a', 'b'])).rejects.toThrow(/expected one code/);
    await expect(run(['--bogus', 'x'])).rejects.toBeInstanceOf(CliError);
  });
});
