import { describe, expect, it } from 'vitest';
import { generateAck, type AckOptions } from './ack';
import { parseX12 } from './reader';

// Written for these tests: X12.5's order of interchange segments (ISA, TA1…, groups, IEA), its
// ISA11 (the 'U' standards identifier before 00402, the repetition separator from 00402), and
// X12.6's rule that functional acknowledgments are not acknowledged.
const FIXED: AckOptions = { interchangeControl: 42, groupControl: 7, now: new Date(Date.UTC(2026, 11, 2, 9, 5)) };

const isa = (isa11: string, version: string, control = '000000101', ackRequested = '0') =>
  `ISA*00*          *00*          *ZZ*WHOLESALER     *ZZ*PHARMACY01     *261201*1200*${isa11}*${version}*${control}*${ackRequested}*P*>~`;
const group852 = (control: string, gs08 = '004010') =>
  [`GS*PD*WHOLESALER*PHARMACY01*20261201*1200*${control}*X*${gs08}`, 'ST*852*0001', 'XQ*H*20261101*20261130', 'LIN*1*N4*59011-0001-10', 'ZA*QA*240*EA', 'CTT*1', 'SE*6*0001', `GE*1*${control}`]
    .map((s) => `${s}~`)
    .join('\n');
const group997 = (control: string) =>
  ['GS*FA*WHOLESALER*PHARMACY01*20261201*1200*' + control + '*X*004010', 'ST*997*0001', 'AK1*PD*77', 'AK2*852*0001', 'AK5*A', 'AK9*A*1*1*1', 'SE*6*0001', `GE*1*${control}`]
    .map((s) => `${s}~`)
    .join('\n');
const file = (...parts: string[]) => `${parts.join('\n')}\n`;

describe('TA1 segments inside an interchange (X12.5: after the ISA, before the first GS)', () => {
  it('keeps a TA1 that follows the ISA as the sender’s answer to an earlier interchange, with no error', () => {
    const { report } = parseX12(file(isa('U', '00401'), 'TA1*000000077*261130*0815*R*022~', group852('101'), 'IEA*1*000000101~'));
    expect(report.errors).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.interchanges[0]!.acknowledgments).toEqual([{ control: '000000077', date: '261130', time: '0815', ackCode: 'R', noteCode: '022', segmentIndex: 1 }]);
  });

  it('reads an interchange that holds only TA1s, and sends nothing back unless ISA14 asks', () => {
    const text = file(isa('U', '00401'), 'TA1*000000077*261130*0815*A*000~', 'TA1*000000078*261130*0816*A*000~', 'IEA*0*000000101~');
    const { report } = parseX12(text);
    expect(report.valid).toBe(true);
    expect(report.interchanges[0]!.acknowledgments.map((t) => t.control)).toEqual(['000000077', '000000078']);
    const ack = generateAck(report, FIXED);
    expect(ack).toEqual({ ok: false, reason: expect.stringContaining('nothing to acknowledge') });
  });

  it('refuses a TA1 after a functional group or a set as a control structure error (022), naming where X12.5 puts it', () => {
    const message = 'TA1 after a functional group or transaction set: X12.5 places interchange acknowledgments after the ISA, before the first GS';
    const afterGroup = parseX12(file(isa('U', '00401'), group852('101'), 'TA1*000000077*261130*0815*A*000~', 'IEA*1*000000101~')).report;
    expect(afterGroup.valid).toBe(false);
    expect(afterGroup.errors.map((e) => [e.code, e.severity, e.message])).toEqual([['022', 'error', message]]);
    // Kept all the same: it is still what the partner said about interchange 77.
    expect(afterGroup.interchanges[0]!.acknowledgments.map((t) => t.control)).toEqual(['000000077']);
    const afterLooseSet = parseX12(file(isa('U', '00401'), 'ST*852*0001~', 'XQ*H*20261101*20261130~', 'SE*3*0001~', 'TA1*000000077*261130*0815*A*000~', 'IEA*0*000000101~')).report;
    expect(afterLooseSet.errors.map((e) => e.message)).toContain(message);
  });

  it('refuses a TA1 outside any interchange (022)', () => {
    const { report } = parseX12(file(isa('U', '00401'), group852('101'), 'IEA*1*000000101~', 'TA1*000000077*261130*0815*A*000~'));
    expect(report.valid).toBe(false);
    expect(report.errors.map((e) => [e.code, e.message])).toEqual([['022', 'TA1 outside an interchange: an interchange acknowledgment travels inside an ISA..IEA envelope']]);
  });

  it('notes a TA1 whose elements are not a control number, date, time, A/E/R and a note code (TA1 E 024), and still reads the groups', () => {
    const { report } = parseX12(file(isa('U', '00401'), 'TA1*77*261340*2515*Y*1~', group852('101'), 'IEA*1*000000101~'));
    expect(report.valid).toBe(true);
    expect(report.errors.map((e) => [e.code, e.severity, e.message])).toEqual([
      ['024', 'warning', 'invalid TA1: TA101 "77" is not a 9-digit interchange control number'],
      ['024', 'warning', 'invalid TA1: TA102 "261340" is not a date (YYMMDD)'],
      ['024', 'warning', 'invalid TA1: TA103 "2515" is not a time (HHMM)'],
      ['024', 'warning', 'invalid TA1: TA104 "Y" is not A, E or R'],
      ['024', 'warning', 'invalid TA1: TA105 "1" is not a 3-digit note code'],
    ]);
    const ack = generateAck(report, FIXED);
    if (!ack.ok) throw new Error(ack.reason);
    expect(ack.text.split('\n')[1]).toBe('TA1*000000101*261201*1200*E*024~');
    expect(ack.text).toContain('AK9*A*1*1*1~');
  });
});

describe('ISA11 by interchange version', () => {
  it('notes an ISA11 other than U before 00402 (TA1 E 016) and still reads the content', () => {
    const { report } = parseX12(file(isa('^', '00401'), group852('101'), 'IEA*1*000000101~'));
    expect(report.valid).toBe(true);
    expect(report.errors.map((e) => [e.code, e.severity, e.element])).toEqual([['016', 'warning', 11]]);
    expect(report.errors[0]!.message).toContain('ISA11 "^" is not U');
    const ack = generateAck(report, FIXED);
    if (!ack.ok) throw new Error(ack.reason);
    const lines = ack.text.split('\n');
    // The answer's own ISA is a 00401 header: ISA11 is U there, whatever the input carried.
    expect(lines[0]).toBe('ISA*00*          *00*          *ZZ*PHARMACY01     *ZZ*WHOLESALER     *261202*0905*U*00401*000000042*0*P*>~');
    expect(lines[1]).toBe('TA1*000000101*261201*1200*E*016~');
    expect(lines).toContain('AK9*A*1*1*1~');
  });

  it('has no repetition separator before 00402: a caret in the data is data, and is echoed back as it was', () => {
    const text = file(isa('^', '00401'), group852('101'), 'IEA*1*000000101~').replace('ZA*QA*240*EA', 'ZA*QA*240*E^A');
    const { report } = parseX12(text);
    expect(report.delimiters?.repetition).toBeNull();
    const ack = generateAck(report, FIXED);
    if (!ack.ok) throw new Error(ack.reason);
    expect(ack.text).toContain('AK4*3*355*5*E^A~');
  });

  it('takes ISA11 as the repetition separator from 00402, and writes a separator there when the input had none', () => {
    const withCaret = parseX12(file(isa('^', '00501'), group852('101', '005010'), 'IEA*1*000000101~'));
    expect(withCaret.report.errors).toEqual([]);
    expect(withCaret.report.delimiters?.repetition).toBe('^');
    const withU = parseX12(file(isa('U', '00501'), group852('101', '005010'), 'IEA*1*000000101~'));
    const ack = generateAck(withU.report, FIXED);
    if (!ack.ok) throw new Error(ack.reason);
    expect(ack.text.split('\n')[0]).toContain('*0905*^*00501*');
    // The separator the answer chose is a delimiter of the answer: a bad value echoed back loses it.
    const caretInData = parseX12(file(isa('U', '00501'), group852('101', '005010'), 'IEA*1*000000101~').replace('ZA*QA*240*EA', 'ZA*QA*240*E^A'));
    const answer = generateAck(caretInData.report, FIXED);
    expect(answer.ok && answer.text).toContain('IK4*3*355*5*EA~');
  });
});

describe('functional acknowledgments are not acknowledged (X12.6)', () => {
  it('answers the 852 group of an interchange and leaves its 997 group out', () => {
    const { report } = parseX12(file(isa('U', '00401'), group852('101'), group997('102'), 'IEA*2*000000101~'));
    const fa = report.interchanges[0]!.groups[1]!.transactions[0]!;
    expect(fa.errors.map((e) => e.message)).toEqual([
      'transaction set 997 is a functional acknowledgment, which RxLedger does not read (it reads 852, 846 and 856)',
    ]);
    const ack = generateAck(report, FIXED);
    if (!ack.ok) throw new Error(ack.reason);
    const lines = ack.text.split('\n');
    expect(lines.filter((l) => l.startsWith('AK1'))).toEqual(['AK1*PD*101~']);
    expect(lines.filter((l) => l.startsWith('GS') || l.startsWith('IEA'))).toEqual(['GS*FA*PHARMACY01*WHOLESALER*20261202*0905*7*X*004010~', 'IEA*1*000000042~']);
  });

  it('still answers an 852 filed in a group marked FA: the rule is about acknowledgments, not the label', () => {
    const text = file(isa('U', '00401'), group852('101').replace('GS*PD*', 'GS*FA*'), 'IEA*1*000000101~');
    const ack = generateAck(parseX12(text).report, FIXED);
    expect(ack.ok && ack.text).toContain('AK1*FA*101~\nAK2*852*0001~\nAK5*A~');
  });

  it('numbers the answers of a file where one interchange needs none from the first control number on', () => {
    const text = file(isa('U', '00401', '000000101'), group997('102'), 'IEA*1*000000101~', isa('U', '00401', '000000103'), group852('104'), 'IEA*1*000000103~');
    const ack = generateAck(parseX12(text).report, FIXED);
    if (!ack.ok) throw new Error(ack.reason);
    expect(ack.interchanges).toBe(1);
    expect(ack.text).toContain('*00401*000000042*0*P*>~');
    expect(ack.text).toContain('AK1*PD*104~');
  });

  it('answers each interchange with the acknowledgment of its own version: a 997 below 00501, a 999 from 00501', () => {
    const text = file(isa('U', '00401', '000000101'), group852('101'), 'IEA*1*000000101~', isa('^', '00501', '000000103'), group852('104', '005010'), 'IEA*1*000000103~');
    const ack = generateAck(parseX12(text).report, FIXED);
    if (!ack.ok) throw new Error(ack.reason);
    expect(ack.type).toBe('997');
    const sets = ack.text.split('\n').filter((l) => l.startsWith('ISA') || l.startsWith('ST'));
    expect(sets.map((l) => l.split('*').slice(0, 2).join('*'))).toEqual(['ISA*00', 'ST*997', 'ISA*00', 'ST*999']);
    expect(sets[2]).toContain('*^*00501*000000043*');
  });

  it('answers a noted interchange of 997s with the TA1 alone (TA1 E 016, no group)', () => {
    const ack = generateAck(parseX12(file(isa('^', '00401'), group997('102'), 'IEA*1*000000101~')).report, FIXED);
    if (!ack.ok) throw new Error(ack.reason);
    expect(ack.text.split('\n').slice(1)).toEqual(['TA1*000000101*261201*1200*E*016~', 'IEA*0*000000042~', '']);
  });

  it('sends nothing for a file of 997s, and only the TA1 when its ISA14 asks for one', () => {
    const quiet = generateAck(parseX12(file(isa('U', '00401'), group997('102'), 'IEA*1*000000101~')).report, FIXED);
    expect(quiet).toEqual({
      ok: false,
      reason:
        'nothing to acknowledge: no interchange holds a group to answer (only 997/999 acknowledgments, which X12 does not acknowledge, TA1s, or nothing) and none asks for a TA1',
    });
    const asked = generateAck(parseX12(file(isa('U', '00401', '000000101', '1'), group997('102'), 'IEA*1*000000101~')).report, FIXED);
    if (!asked.ok) throw new Error(asked.reason);
    expect(asked.text.split('\n').slice(1)).toEqual(['TA1*000000101*261201*1200*A*000~', 'IEA*0*000000042~', '']);
  });
});
