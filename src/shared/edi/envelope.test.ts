import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corporaPresent, corporaSkipReason, corpusPath } from '../../testing/corpora';
import { generateAck } from './ack';
import { errorLabel } from './ack-codes';
import { parseX12 } from './reader';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name));
const labels = (name: string | Uint8Array) => {
  const r = parseX12(typeof name === 'string' ? fixture(name) : name);
  return r.report.errors.filter((e) => e.severity === 'error').map((e) => errorLabel(e));
};

describe('good files', () => {
  it.each(['4010-852-product-activity.edi', '4010-846-inventory-advice.edi', '5010-856-pharmacy-asn.edi', 'custom-delimiters.edi', 'bom-crlf.edi'])(
    '%s is valid and every transaction set is accepted',
    (name) => {
      const r = parseX12(fixture(name));
      expect(r.report.errors).toEqual([]);
      expect(r.report.valid).toBe(true);
      expect(r.transactions.length).toBeGreaterThan(0);
      expect(r.transactions.every((t) => t.valid && t.ackCode === 'A')).toBe(true);
    },
  );
});

describe('envelope errors, in X12 acknowledgment codes', () => {
  it('wrong SE01 rejects the set: AK5 code 4', () => {
    expect(labels('bad-se-count.edi')).toEqual(['AK5:4']);
  });
  it('wrong GE01 rejects the group: AK9 code 5, and its sets are not committed', () => {
    const r = parseX12(fixture('bad-ge-count.edi'));
    expect(labels('bad-ge-count.edi')).toEqual(['AK9:5']);
    expect(r.transactions[0]).toMatchObject({ ackCode: 'A', valid: false, rejectedBy: 'group' });
    expect(r.report.interchanges[0]?.groups[0]).toMatchObject({ ackCode: 'R', declaredTransactions: 3, accepted: 0 });
  });
  it('wrong IEA01: TA1 021', () => expect(labels('bad-iea-count.edi')).toEqual(['TA1:021']));
  it('ISA13 different from IEA02: TA1 001, the interchange is rejected', () => {
    const r = parseX12(fixture('bad-isa13-iea02.edi'));
    expect(labels('bad-isa13-iea02.edi')).toEqual(['TA1:001']);
    expect(r.transactions[0]).toMatchObject({ valid: false, rejectedBy: 'interchange' });
  });
  it('missing IEA: TA1 023 (premature end)', () => expect(labels('bad-missing-iea.edi')).toEqual(['TA1:023']));
  it('truncated inside a set: SE, GE and IEA missing, and the cut segment named', () => {
    const r = parseX12(fixture('bad-truncated.edi'));
    expect(new Set(labels('bad-truncated.edi'))).toEqual(new Set(['AK5:2', 'AK9:3', 'TA1:023', 'AK4:4']));
    expect(r.transactions).toHaveLength(1);
    expect(r.transactions[0]?.raw.endsWith('ZA*Q')).toBe(true);
  });
  it('a control number reused in a group: the second set is rejected (AK5 23), the first is kept', () => {
    const r = parseX12(fixture('bad-reused-control.edi'));
    expect(labels('bad-reused-control.edi')).toEqual(['AK5:23']);
    expect(r.transactions.map((t) => t.valid)).toEqual([true, false]);
  });
  it('a group control number reused in an interchange: AK9 6 in 4010', () => {
    const text = fixture('4010-852-product-activity.edi').toString('latin1');
    const [head, rest] = [text.slice(0, text.indexOf('GS*')), text.slice(text.indexOf('GS*'), text.indexOf('IEA*'))];
    expect(labels(Buffer.from(`${head}${rest}${rest}IEA*2*000000101~\n`))).toEqual(['AK9:6']);
  });
  it('an interchange control number reused in a file: TA1 025', () => {
    const text = fixture('4010-852-product-activity.edi').toString('latin1');
    expect(labels(Buffer.from(text + text))).toEqual(['TA1:025']);
  });
  it('binary garbage is not readable and not valid', () => {
    const r = parseX12(fixture('bad-binary.bin'));
    expect(r.report).toMatchObject({ readable: false, valid: false });
    expect(labels('bad-binary.bin')).toEqual(['TA1:022']);
  });
});

describe('a good set in a file with a bad one', () => {
  it('keeps the good one and gives the bad one whole for quarantine', () => {
    const bytes = fixture('mixed-good-bad.edi');
    const r = parseX12(bytes);
    const [good, bad] = r.transactions;
    expect(good).toMatchObject({ control: '0001', valid: true });
    expect(bad).toMatchObject({ control: '0002', valid: false, rejectedBy: 'transaction' });
    expect(r.report.interchanges[0]?.groups[0]).toMatchObject({ ackCode: 'P', accepted: 1 });
    const text = bytes.toString('latin1');
    expect(bad?.raw).toBe(text.slice(bad!.byteStart, bad!.byteEnd));
    expect(bad?.raw.startsWith('ST*852*0002~')).toBe(true);
    expect(bad?.raw.endsWith('SE*3*0002~\n')).toBe(true);
  });
});

describe('code lists and element checks', () => {
  const base = fixture('4010-852-product-activity.edi').toString('latin1');
  const variant = (from: string, to: string) => {
    expect(base).toContain(from);
    return Buffer.from(base.replace(from, to));
  };
  it('an unknown ZA activity code: AK4 code 7 with the bad value', () => {
    const r = parseX12(variant('ZA*QS*36*EA', 'ZA*XY*36*EA'));
    const e = r.report.errors.find((x) => x.level === 'element');
    expect(e).toMatchObject({ code: '7', segmentId: 'ZA', element: 1, elementRef: '859', badValue: 'XY', positionInTransaction: 7 });
    expect(r.transactions[0]?.valid).toBe(false);
  });
  it('an unknown unit code: AK4 code 7', () => {
    expect(labels(variant('ZA*QR*48*EA', 'ZA*QR*48*XQ'))).toEqual(['AK4:7']);
  });
  it('a LIN product id qualifier RxLedger does not read (VC, PO, …) is passed over, not called invalid: element 235 has hundreds of X12 codes', () => {
    const r = parseX12(variant('LIN*1*N4*', 'LIN*1*VC*CAT-1*PO*4500012345*N4*'));
    expect(r.report.errors).toEqual([]);
    expect(r.transactions[0]?.valid).toBe(true);
    // …but a qualifier that is no X12 code at all (lower case, punctuation) is AK4 7.
    expect(labels(variant('LIN*1*N4*', 'LIN*1*n4*'))).toEqual(['AK4:7']);
    expect(labels(variant('LIN*1*N4*', 'LIN*1*VC*CAT-1*#$*X*N4*'))).toEqual(['AK4:7']);
  });
  it('before release 004010 dates are YYMMDD (element 373): a 003060 group with six-digit dates is sound, and so are eight digits from a partner that widened them', () => {
    const old = base.replace(/\*004010(X\d+)?~/, '*003060~').replace(/GS\*PD\*([^*]+)\*([^*]+)\*20(\d{6})\*/, 'GS*PD*$1*$2*$3*').replace('XQ*H*20240601*20240607', 'XQ*H*240601*240607');
    expect(old).toContain('*003060~');
    const r = parseX12(Buffer.from(old));
    expect(r.report.errors).toEqual([]);
    expect(r.transactions[0]?.valid).toBe(true);
    expect(parseX12(Buffer.from(old.replace('XQ*H*240601*', 'XQ*H*20240601*'))).report.errors).toEqual([]);
    expect(labels(Buffer.from(old.replace('XQ*H*240601*', 'XQ*H*240231*')))).toEqual(['AK4:8']);
    expect(labels(Buffer.from(old.replace('XQ*H*240601*', 'XQ*H*2406011*')))).toEqual(['AK4:8']);
    // Its 997 writes GS04 as that release does.
    const ack = generateAck(parseX12(Buffer.from(old)).report, { now: new Date('2026-12-02T10:00:00Z') });
    expect(ack.ok && ack.text).toMatch(/GS\*FA\*[^*]+\*[^*]+\*261202\*/);
  });

  it('BIA06 (action code, 004010) is an element of BIA, not one too many', () => {
    const biaBase = fixture('4010-846-inventory-advice.edi').toString('latin1');
    expect(biaBase).toContain('BIA*00*DD*INV20240607*20240607~');
    const r = parseX12(Buffer.from(biaBase.replace('BIA*00*DD*INV20240607*20240607~', 'BIA*00*DD*INV20240607*20240607*1200*2~')));
    expect(r.report.errors).toEqual([]);
    expect(labels(Buffer.from(biaBase.replace('BIA*00*DD*INV20240607*20240607~', 'BIA*00*DD*INV20240607*20240607*1200*2*X~')))).toEqual(['AK4:3']);
  });
  it('an impossible date: AK4 code 8; a quantity that is not a number: AK4 code 6', () => {
    expect(labels(variant('XQ*H*20240601', 'XQ*H*20240231'))).toEqual(['AK4:8']);
    expect(labels(variant('ZA*QR*48*EA', 'ZA*QR*4A*EA'))).toEqual(['AK4:6']);
  });
  it('a quantity without its unit: AK4 code 2 (paired elements)', () => {
    expect(labels(variant('ZA*QR*48*EA', 'ZA*QR*48'))).toEqual(['AK4:2']);
  });
  it('a missing required element: AK4 code 1', () => {
    expect(labels(variant('LIN*2*UP*300021200305', 'LIN*2**300021200305'))).toEqual(['AK4:1']);
  });
  it('an unrecognized segment id: AK3 code 1; a quantity before any item: AK3 code 7', () => {
    const bad = variant('N9*IA*STORE-12', '9N*IA*STORE-12');
    expect(labels(bad)).toEqual(['AK3:1']);
    expect(labels(variant('N9*IA*STORE-12', 'ZA*QS*1*EA'))).toEqual(['AK3:7']);
  });
  it('a second XQ: AK3 code 5 (exceeds maximum use)', () => {
    expect(labels(variant('N9*IA*STORE-12', 'XQ*H*20240601'))).toEqual(['AK3:5']);
  });
  it('a segment not defined in the set is a warning (AK5 E), not a rejection', () => {
    const r = parseX12(variant('N9*IA*STORE-12', 'ZZZ*1'));
    expect(r.transactions[0]).toMatchObject({ ackCode: 'E', valid: true });
    expect(r.report.errors[0]).toMatchObject({ level: 'segment', code: '6', severity: 'warning' });
  });
  it('an 856 item whose HL parent does not exist: AK3 code 7', () => {
    const text = fixture('5010-856-pharmacy-asn.edi').toString('latin1').replace('HL*5*4*I', 'HL*5*9*I');
    expect(labels(Buffer.from(text))).toEqual(['AK3:7']);
  });
});

describe.skipIf(!corporaPresent)('corpus files', () => {
  if (!corporaPresent) console.warn(corporaSkipReason);
  const corpus = (...p: string[]) => parseX12(readFileSync(corpusPath('edi', ...p)));

  it('the bare 852 is valid, with a warning that only ST/SE were checked', () => {
    const r = corpus('852', 'x12org_008010X369_pharmacy_852__via_intbricks.txt');
    expect(r.report).toMatchObject({ valid: true, mode: 'bare', ackType: null });
    expect(r.report.errors).toMatchObject([{ severity: 'warning', code: '000' }]);
    expect(r.transactions).toMatchObject([{ type: '852', control: '0001', segmentCount: 12, valid: true }]);
  });
  it('the node-x12 856 is valid (SE01 31, ISA13 = IEA02)', () => {
    const r = corpus('856', 'node-x12_test-data_856.edi');
    expect(r.report.errors).toEqual([]);
    expect(r.transactions).toMatchObject([{ type: '856', control: '0008', segmentCount: 31, valid: true }]);
  });
  it('ISA13 ≠ IEA02: TA1 001 and nothing committed', () => {
    const r = corpus('malformed', 'gozer_asn856_ISA13_ne_IEA02.txt');
    expect(r.report.errors.map((e) => errorLabel(e))).toEqual(['TA1:001']);
    expect(r.transactions.map((t) => t.valid)).toEqual([false]);
  });
  it('bad counts: every SE01 wrong (AK5 4), GE01 says 1 for 3 sets (AK9 5)', () => {
    const r = corpus('malformed', 'gozer_x12.base_bad_counts.txt');
    const codes = r.report.errors.map((e) => errorLabel(e));
    expect(codes.filter((c) => c === 'AK5:4')).toHaveLength(4);
    expect(codes).toContain('AK9:5');
    expect(r.transactions.every((t) => !t.valid)).toBe(true);
  });
  it('missing ISA: TA1 022 and no set committed', () => {
    const r = corpus('malformed', 'gozer_x12.missing.ISA.txt');
    expect(r.report.errors[0]).toMatchObject({ level: 'interchange', code: '022' });
    expect(r.transactions.every((t) => !t.valid)).toBe(true);
    expect(r.report.ackType).toBeNull();
  });
  it('a wrong GS id: TA1 024, sets outside a group (AK5 18), IEA01 off (TA1 021)', () => {
    const codes = corpus('malformed', 'gozer_x12.wrong.GS.txt').report.errors.map((e) => errorLabel(e));
    expect(codes).toEqual(expect.arrayContaining(['TA1:024', 'AK5:18', 'TA1:021']));
  });
});
