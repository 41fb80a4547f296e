import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateAck } from './ack';
import { errorLabel } from './ack-codes';
import { parseX12 } from './reader';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'latin1');
const NOW = new Date(Date.UTC(2024, 5, 7, 9, 5));

/** The fixture with one segment replaced: each test is a document written wrong on purpose. */
const edit = (name: string, from: string, to: string) => {
  const text = fixture(name);
  if (!text.includes(from)) throw new Error(`${from} not in ${name}`);
  return text.replace(from, to);
};

const findings = (text: string) => {
  const { report, transactions } = parseX12(text);
  const version = report.ackType === '999' ? 'x12-5010' : 'x12-4010';
  return { report, valid: transactions.map((t) => t.valid), errors: report.errors.map((e) => `${errorLabel(e, version)} ${e.segmentId}${e.element ? String(e.element).padStart(2, '0') : ''}: ${e.message}`) };
};

const ack = (text: string) => {
  const a = generateAck(parseX12(text).report, { interchangeControl: 42, groupControl: 7, now: NOW });
  if (!a.ok) throw new Error(a.reason);
  return a.text.split('\n');
};

describe('CTT transaction totals', () => {
  it('the fixtures and their totals agree: no finding', () => {
    for (const f of ['4010-852-product-activity.edi', '4010-846-inventory-advice.edi', '5010-856-pharmacy-asn.edi']) expect(findings(fixture(f)).errors, f).toEqual([]);
  });

  it('852: CTT01 counts the LIN segments; a wrong count rejects the set (AK3 8, AK4 on CTT01)', () => {
    const text = edit('4010-852-product-activity.edi', 'CTT*2~', 'CTT*3~');
    const f = findings(text);
    expect(f.valid).toEqual([false]);
    expect(f.errors).toEqual(['AK4:7 CTT01: CTT01: number of line items says 3, the set has 2 LIN segments']);
    expect(ack(text)).toEqual(expect.arrayContaining(['AK2*852*0001~', 'AK3*CTT*11**8~', 'AK4*1*354*7*3~', 'AK5*R*5~', 'AK9*R*1*1*0~']));
  });

  it('852: a CTT02 is not a total the 852 defines, so it is not checked', () => {
    expect(findings(edit('4010-852-product-activity.edi', 'CTT*2~', 'CTT*2*99999~')).errors).toEqual([]);
  });

  it('846: CTT01 counts LIN; CTT02 is the hash of QTY02', () => {
    const count = findings(edit('4010-846-inventory-advice.edi', 'CTT*2~', 'CTT*1~'));
    expect(count.errors).toEqual(['AK4:7 CTT01: CTT01: number of line items says 1, the set has 2 LIN segments']);
    expect(findings(edit('4010-846-inventory-advice.edi', 'CTT*2~', 'CTT*2*124~')).errors).toEqual([]);
    const hash = edit('4010-846-inventory-advice.edi', 'CTT*2~', 'CTT*2*125~');
    expect(findings(hash).errors).toEqual(['AK4:7 CTT02: CTT02: hash total says 125, the QTY02 quantities of the set add up to 124']);
    expect(ack(hash)).toEqual(expect.arrayContaining(['AK3*CTT*8**8~', 'AK4*2*347*7*125~', 'AK5*R*5~']));
  });

  it('the hash total ignores signs and decimal points and keeps the rightmost 10 digits (element 347)', () => {
    // X12's own example: -.0018, .18, 1.8 and 18.01 hash to 1855.
    const quantities = edit('4010-846-inventory-advice.edi', 'QTY*17*100*EA~', 'QTY*17*-.0018*EA~\nQTY*17*.18*EA~\nQTY*17*1.8*EA~\nQTY*17*18.01*EA~').replace('SE*9*0001', 'SE*12*0001');
    expect(findings(quantities.replace('CTT*2~', 'CTT*2*1879~')).errors).toEqual([]); // 1855 + 24
    const big = edit('4010-846-inventory-advice.edi', 'QTY*17*100*EA~', 'QTY*17*99999999999*EA~');
    expect(findings(big.replace('CTT*2~', 'CTT*2*0000000023~')).errors).toEqual([]); // 100000000023 truncated on the left
    expect(findings(big.replace('CTT*2~', 'CTT*2*23~')).errors).toEqual([]);
  });

  it('856 (999): CTT01 counts the HL segments, CTT02 is the hash of SN102; IK3/IK4 in the 999', () => {
    const count = edit('5010-856-pharmacy-asn.edi', 'CTT*6*12~', 'CTT*5*12~');
    expect(findings(count).errors).toEqual(['IK4:7 CTT01: CTT01: number of line items says 5, the set has 6 HL segments']);
    const hash = edit('5010-856-pharmacy-asn.edi', 'CTT*6*12~', 'CTT*6*13~');
    const f = findings(hash);
    expect(f.valid).toEqual([false]);
    expect(f.errors).toEqual(['IK4:7 CTT02: CTT02: hash total says 13, the SN102 units shipped of the set add up to 12']);
    expect(ack(hash)).toEqual(expect.arrayContaining(['AK2*856*0001~', 'IK3*CTT*29**8~', 'IK4*2*347*7*13~', 'IK5*R*5~']));
  });

  it('a negative CTT01 is a count no set can have: refused as a mismatch, not let through', () => {
    expect(findings(edit('4010-846-inventory-advice.edi', 'CTT*2~', 'CTT*-2~')).errors).toEqual(['AK4:7 CTT01: CTT01: number of line items says -2, the set has 2 LIN segments']);
  });

  it('CTT02 is compared as the number it is: 124.0 is the hash 124; 1.24, 12.4 and -124 are not', () => {
    expect(findings(edit('4010-846-inventory-advice.edi', 'CTT*2~', 'CTT*2*124.0~')).errors).toEqual([]);
    for (const wrong of ['1.24', '12.4', '-124'])
      expect(findings(edit('4010-846-inventory-advice.edi', 'CTT*2~', `CTT*2*${wrong}~`)).errors).toEqual([
        `AK4:7 CTT02: CTT02: hash total says ${wrong}, the QTY02 quantities of the set add up to 124`,
      ]);
  });

  it('one CTT, after the detail: a second CTT is over its maximum use (5), a CTT before the LINs or a LIN after it is out of sequence (7)', () => {
    const twice = edit('4010-846-inventory-advice.edi', 'CTT*2~', 'CTT*2~\nCTT*2*124~').replace('SE*9*0001', 'SE*10*0001');
    expect(findings(twice).errors).toEqual(['AK3:5 CTT: CTT appears more than once: a transaction set has one']);
    expect(ack(twice)).toEqual(expect.arrayContaining(['AK3*CTT*9**5~', 'AK5*R*5~']));
    const early = edit('4010-846-inventory-advice.edi', 'CTT*2~\n', '').replace('BIA*00*DD*INV20240607*20240607~', 'BIA*00*DD*INV20240607*20240607~\nCTT*2~');
    expect(findings(early).errors).toEqual(['AK3:7 CTT: CTT before any LIN: the totals come after the detail']);
    const late = edit('4010-846-inventory-advice.edi', 'LIN*2*UK*00300021200305~\nQTY*33*24*BX~\nCTT*2~', 'LIN*2*UK*00300021200305~\nCTT*2~\nLIN*3*UK*00300021200305~');
    expect(findings(late).errors).toEqual(expect.arrayContaining(['AK3:7 LIN: LIN after the CTT: the detail comes before the totals']));
  });

  it('a CTT01 that is not a number stays an element syntax error, not a count mismatch', () => {
    expect(findings(edit('4010-852-product-activity.edi', 'CTT*2~', 'CTT*X~')).errors).toEqual(['AK4:6 CTT01: CTT01: "X" is not a whole number']);
  });
});
