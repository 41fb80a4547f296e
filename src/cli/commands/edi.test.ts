import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { corporaPresent, corpusPath } from '../../testing/corpora';
import { CliError, type CliIO } from '../io';
import { ediCommand } from './edi';

const fixture = (name: string) => join(import.meta.dirname, '..', '..', 'shared', 'edi', 'fixtures', name);

async function run(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const io: CliIO = { stdin: new PassThrough(), stdout, stderr, env: {} };
  const code = await ediCommand(argv, io);
  return { code, out, err };
}

describe('rxledger edi check --json', () => {
  it('a valid file: exit 0 and exactly the documented keys', async () => {
    const { code, out } = await run(['check', fixture('5010-856-pharmacy-asn.edi'), '--json']);
    expect(code).toBe(0);
    const obj = JSON.parse(out);
    expect(Object.keys(obj)).toEqual(['valid', 'errors', 'transactions']);
    expect(obj).toEqual({ valid: true, errors: [], transactions: [{ type: '856', control: '0001', segments: 30, valid: true }] });
  });

  it('a good and a bad set: exit 1, the error located, each set with its own verdict', async () => {
    const { code, out } = await run(['check', fixture('mixed-good-bad.edi'), '--json']);
    expect(code).toBe(1);
    const obj = JSON.parse(out);
    expect(obj.valid).toBe(false);
    expect(obj.errors).toEqual([{ code: 'AK5:4', segment: 'SE', position: 26, element: null, message: 'SE01 says "3" segments, the set has 12' }]);
    expect(obj.transactions).toEqual([
      { type: '852', control: '0001', segments: 12, valid: true },
      { type: '852', control: '0002', segments: 12, valid: false },
    ]);
  });

  it('element errors name the element; 5010 files use IK codes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxledger-edi-'));
    const file = join(dir, 'asn.edi');
    const { readFileSync } = await import('node:fs');
    writeFileSync(file, readFileSync(fixture('5010-856-pharmacy-asn.edi'), 'latin1').replace('SN1*2*10*EA', 'SN1*2*10*ZQ'));
    const { code, out } = await run(['check', file, '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(out).errors).toEqual([
      { code: 'IK4:7', segment: 'SN1', position: 28, element: 'SN103', message: 'SN103: "ZQ" is not a code RxLedger accepts for element 355' },
    ]);
  });

  it('binary garbage: exit 2 (not X12)', async () => {
    const { code, out } = await run(['check', fixture('bad-binary.bin'), '--json']);
    expect(code).toBe(2);
    expect(JSON.parse(out)).toMatchObject({ valid: false, transactions: [], errors: [{ code: 'TA1:022' }] });
  });

  it('a file that does not exist: exit 2 and a message', async () => {
    const { code, err } = await run(['check', join(tmpdir(), 'no-such-file.edi'), '--json']);
    expect(code).toBe(2);
    expect(err).toMatch(/cannot read/);
  });

  it.skipIf(!corporaPresent)('the corpus control number mismatch: exit 1 with TA1:001', async () => {
    const { code, out } = await run(['check', corpusPath('edi', 'malformed', 'gozer_asn856_ISA13_ne_IEA02.txt'), '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(out).errors.map((e: { code: string }) => e.code)).toEqual(['TA1:001']);
  });

  it('without --json prints a readable summary', async () => {
    const { code, out } = await run(['check', fixture('bad-se-count.edi')]);
    expect(code).toBe(1);
    expect(out).toMatch(/INVALID; 1 transaction set\(s\), 0 accepted/);
    expect(out).toMatch(/AK5:4 +segment 14 SE: SE01 says "7" segments/);
  });
});

describe('rxledger edi ack', () => {
  it('prints the 997 with the control number and time given', async () => {
    const { code, out } = await run(['ack', fixture('4010-846-inventory-advice.edi'), '--control', '9', '--time', '2024-06-07T10:11:00Z']);
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe('ISA*00*          *00*          *ZZ*PHARMACY01     *ZZ*WHOLESALER     *240607*1011*U*00401*000000009*0*P*>~');
    expect(out).toContain('AK1*IB*202~\nAK2*846*0001~\nAK5*A~\nAK9*A*1*1*1~');
  });

  it('a bare ST..SE file cannot be acknowledged: exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxledger-edi-'));
    const file = join(dir, 'bare.edi');
    writeFileSync(file, 'ST*852*0001~XQ*H*20240601~LIN*1*ND*1~ZA*QS*1*EA~SE*5*0001~');
    const { code, err } = await run(['ack', file]);
    expect(code).toBe(1);
    expect(err).toMatch(/no ISA/);
  });

  it('a file of a TA1 and a 997 is read, lists the TA1, and gets no acknowledgment back: exit 1 with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxledger-edi-'));
    const file = join(dir, 'answers.edi');
    writeFileSync(
      file,
      [
        'ISA*00*          *00*          *ZZ*WHOLESALER     *ZZ*PHARMACY01     *261201*1200*U*00401*000000304*0*P*>',
        'TA1*000000012*261130*0847*A*000',
        'GS*FA*WHOLESALER*PHARMACY01*20261201*1200*3*X*004010',
        'ST*997*0003',
        'AK1*PD*12',
        'AK9*A*1*1*1',
        'SE*4*0003',
        'GE*1*3',
        'IEA*1*000000304',
      ].join('~\n') + '~\n',
    );
    const checked = await run(['check', file]);
    // A 997 is not something RxLedger reads: the file is reported, and ingestion would quarantine it.
    expect(checked.code).toBe(1);
    expect(checked.out).toContain('  TA1 in interchange 000000304: interchange 000000012 (261130 0847) A Accepted, note 000 No error\n');
    const json = JSON.parse((await run(['check', file, '--json'])).out);
    expect(json.received_ta1).toEqual([{ interchange: '000000304', acknowledges: '000000012', date: '261130', time: '0847', ack_code: 'A', note_code: '000' }]);
    const { code, out, err } = await run(['ack', file]);
    expect([code, out]).toEqual([1, '']);
    expect(err).toMatch(/nothing to acknowledge: no interchange holds a group to answer \(only 997\/999 acknowledgments/);
  });

  it('rejects a bad --control', async () => {
    await expect(run(['ack', fixture('4010-846-inventory-advice.edi'), '--control', 'x'])).rejects.toBeInstanceOf(CliError);
  });
  it('rejects an unknown subcommand', async () => {
    await expect(run(['frobnicate', 'x'])).rejects.toBeInstanceOf(CliError);
  });
});
