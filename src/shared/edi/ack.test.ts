import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corporaPresent, corpusPath } from '../../testing/corpora';
import { generateAck, type AckOptions } from './ack';
import { parseX12 } from './reader';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name));
const FIXED: AckOptions = { interchangeControl: 42, groupControl: 7, now: new Date(Date.UTC(2024, 5, 7, 9, 5)) };
const ackOf = (input: Uint8Array | string, opts: AckOptions = FIXED) => {
  const a = generateAck(parseX12(input).report, opts);
  if (!a.ok) throw new Error(a.reason);
  return a;
};

describe('997 for 4010', () => {
  it('acknowledges a good 852 with swapped ids, injected control number and time, and the input delimiters', () => {
    const a = ackOf(fixture('4010-852-product-activity.edi'));
    expect(a.type).toBe('997');
    expect(a.text).toBe(
      [
        'ISA*00*          *00*          *ZZ*PHARMACY01     *ZZ*WHOLESALER     *240607*0905*U*00401*000000042*0*P*>~',
        'GS*FA*PHARMACY01*WHOLESALER*20240607*0905*7*X*004010~',
        'ST*997*0001~',
        'AK1*PD*101~',
        'AK2*852*0001~',
        'AK5*A~',
        'AK9*A*1*1*1~',
        'SE*6*0001~',
        'GE*1*7~',
        'IEA*1*000000042~',
        '',
      ].join('\n'),
    );
  });

  it('reports segment and element errors (AK3/AK4) and partial acceptance (AK9 P)', () => {
    const text = fixture('mixed-good-bad.edi').toString('latin1').replace('ZA*QR*48*EA~\nLIN*2*UP*300021200305~\nZA*OH*12*EA~\nCTT*2~\nSE*3*0002', 'ZA*QR*48*XQ~\nLIN*2*UP*300021200305~\nZA*OH*12*EA~\nCTT*2~\nSE*3*0002');
    const body = ackOf(text).text.split('\n');
    expect(body).toEqual(
      expect.arrayContaining(['AK2*852*0001~', 'AK5*A~', 'AK2*852*0002~', 'AK3*ZA*8**8~', 'AK4*3*355*7*XQ~', 'AK5*R*4*5~', 'AK9*P*2*2*1~']),
    );
  });

  it('writes with the input delimiters, and its own counts check out when read back', () => {
    const a = ackOf(fixture('custom-delimiters.edi'));
    expect(a.text.startsWith('ISA|00|')).toBe(true);
    expect(a.text).toContain('!GS|FA|PHARMACY01|WHOLESALER|');
    const back = parseX12(a.text);
    expect(back.report.delimiters).toEqual({ element: '|', component: '^', repetition: null, segment: '!' });
    // The only finding on our own 997: RxLedger does not read 997s (AK5 code 1).
    expect(back.report.errors.map((e) => `${e.level}:${e.code}`)).toEqual(['transaction:1']);
  });

  it('answers a rejected interchange with a TA1 only', () => {
    const a = ackOf(fixture('bad-isa13-iea02.edi'));
    expect(a.text.split('\n').slice(1)).toEqual(['TA1*000000101*240607*1200*R*001~', 'IEA*0*000000042~', '']);
  });

  it('names GE01 and the received count in AK9 when they differ', () => {
    expect(ackOf(fixture('bad-ge-count.edi')).text).toContain('AK9*R*3*1*0*5~');
  });
});

describe('999 for 5010', () => {
  it('uses IK5, AK1 with the version, ST03 005010X231A1, and a TA1 because ISA14 asked for one', () => {
    const a = ackOf(fixture('5010-856-pharmacy-asn.edi'));
    expect(a.type).toBe('999');
    const lines = a.text.split('\n');
    expect(lines[0]).toBe('ISA*00*          *00*          *ZZ*PHARMACY01     *ZZ*ACMEDRUG       *240607*0905*^*00501*000000042*0*P*:~');
    expect(lines.slice(1, 9)).toEqual([
      'TA1*000000303*240610*1530*A*000~',
      'GS*FA*PHARMACY01*ACMEDRUG*20240607*0905*7*X*005010X231A1~',
      'ST*999*0001*005010X231A1~',
      'AK1*SH*303*005010~',
      'AK2*856*0001~',
      'IK5*A~',
      'AK9*A*1*1*1~',
      'SE*6*0001~',
    ]);
  });

  it('uses IK3/IK4 for errors', () => {
    const text = fixture('5010-856-pharmacy-asn.edi').toString('latin1').replace('SN1*2*10*EA', 'SN1*2*10*ZQ');
    expect(ackOf(text).text).toContain('IK3*SN1*26**8~\nIK4*3*355*7*ZQ~\nIK5*R*5~');
  });
});

describe('what cannot be acknowledged', () => {
  it('a bare ST..SE file has no sender or control number to answer', () => {
    const r = parseX12('ST*852*0001~XQ*H*20240601~LIN*1*ND*1~ZA*QS*1*EA~SE*5*0001~');
    expect(generateAck(r.report)).toMatchObject({ ok: false });
  });
  it('binary garbage', () => {
    expect(generateAck(parseX12(fixture('bad-binary.bin')).report)).toMatchObject({ ok: false });
  });
  it.skipIf(!corporaPresent)('a file whose ISA is missing', () => {
    const r = parseX12(readFileSync(corpusPath('edi', 'malformed', 'gozer_x12.missing.ISA.txt')));
    expect(generateAck(r.report)).toMatchObject({ ok: false });
  });
});
