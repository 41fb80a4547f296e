import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ndcToGtin14 } from '../../shared/identifiers';
import type { ManualPo } from '../../shared/receiving/types';
import { parseAsn856 } from '../../shared/receiving/asn';
import { parseEpcis } from '../../shared/receiving/epcis';
import { manualPoToShipment } from '../../shared/receiving/manual';
import { corporaPresent, corpusPath, repoRoot } from '../../testing/corpora';
import { tempWorkstation } from '../../testing/temp-workstation';
import { coreHandlers } from '../ipc/handlers';
import { dispatch, type HandlerTable } from '../ipc/dispatch';
import { receivingHandlers } from '../ipc/receiving-handlers';
import { listLedger } from '../ledger/query';
import { stockOnHand } from '../ledger/stock';
import type { Workstation } from '../workstation';
import type { ReceivingCatalog } from './catalog';
import type { ReceivingService } from './service';
import { previewShipment, readShipmentFile } from './shipment-file';

const GS = '\x1d';
const OXY = '00002-1200-30'; // CII in the catalog below
const LISIN = '68180-0513-01'; // not controlled
const OXY_GTIN = ndcToGtin14('0002-1200-30');
const LISIN_GTIN = ndcToGtin14('68180-513-01');

/** A GS1 DataMatrix as a 2D scanner sends it: symbology id, FNC1 as GS. */
const dm = (gtin: string, exp: string, lot: string, serial: string) => `]d201${gtin}17${exp}10${lot}${GS}21${serial}`;

const catalog: ReceivingCatalog = {
  hasRows: () => true,
  isKnownNdc: (n) => n === OXY || n === LISIN || n === '00001-0123-45' || n === '59011-0440-10',
  lookup: (n) =>
    n === OXY
      ? { name: 'Oxycodone HCl 5 mg tablet', schedule: 'CII', unitsPerContainer: 30, unit: 'TABLET' }
      : n === LISIN
        ? { name: 'Lisinopril 10 mg tablet', schedule: null, unitsPerContainer: 90, unit: 'TABLET' }
        : n === '00001-0123-45'
          ? { name: null, schedule: null, unitsPerContainer: 500, unit: 'TABLET' }
          : n === '59011-0440-10'
            ? { name: null, schedule: 'CII', unitsPerContainer: 100, unit: 'TABLET, FILM COATED, EXTENDED RELEASE' }
          : null,
};

const po: ManualPo = {
  supplier: { name: 'Cardinal Health 110', address: '7000 Cardinal Pl, Dublin, OH 43017', deaNumber: 'RC0183272' },
  poNumber: 'PO-7781',
  orderForm: { kind: 'CSOS', number: 'CSOS-000123' },
  lines: [
    { ndc: '0002-1200-30', quantity: 3, lot: 'A123' },
    { ndc: '68180-513-01', quantity: 2, lot: 'L77' },
  ],
};

let t: ReturnType<typeof tempWorkstation>;
let ws: Workstation;
let svc: ReceivingService;
const NOON = new Date('2026-11-20T15:00:00.000Z');
let now = NOON;

beforeEach(async () => {
  now = NOON;
  // The gate checks the commit against the database catalog (the test catalog lists the
  // NDCs of \`catalog\` above with the same schedules) and needs tech01 as a user.
  t = tempWorkstation({ clock: { now: () => now }, seed: true });
  ws = t.ws;
  svc = await ws.scanIntake.start({ scanners: false, catalog, log: () => {} });
});
afterEach(async () => {
  await svc.stop();
  t.cleanup();
});

const scan = (raw: string, scannerId = 'zebra-1') => svc.router.submit({ raw, scannerId, source: 'test' });
const feed = () => ws.db.prepare<[], { verdict: string; tone: string; message: string; raw: string; session_id: string | null; quarantine_id: number | null }>('SELECT * FROM receiving_scans ORDER BY id').all();
const last = () => feed().at(-1)!;

function startManual(order: ManualPo = po): string {
  const parsed = manualPoToShipment(order, { isKnownNdc: catalog.isKnownNdc });
  if (!parsed.ok) throw new Error(parsed.error);
  return svc.startSession(parsed.shipment, Buffer.from(JSON.stringify(order)), 'tech01');
}

describe('receiving against a typed purchase order', () => {
  it('classifies every scan as it happens and shows expected against received per line', async () => {
    const id = startManual();
    await scan(dm(OXY_GTIN, '281231', 'A123', 'S1'));
    expect(last()).toMatchObject({ verdict: 'received', tone: 'good' });
    expect(last().message).toContain('1 of 3');

    await scan(dm(OXY_GTIN, '281231', 'Z999', 'S2'));
    expect(last()).toMatchObject({ verdict: 'wrong-lot', tone: 'warn' });
    expect(last().message).toMatch(/wrong lot: the shipment says A123/);

    // The same unit again (another scanner, so not a double read): a DSCSA suspect, quarantined.
    await scan(dm(OXY_GTIN, '281231', 'A123', 'S1'), 'zebra-2');
    expect(last()).toMatchObject({ verdict: 'duplicate-serial', tone: 'bad' });
    const q = ws.quarantine.list();
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({ source: 'scan:receiving', reasons: ['DUPLICATE_SERIAL'] });
    expect(ws.quarantine.raw(q[0]!.id)!.toString('utf8')).toBe(dm(OXY_GTIN, '281231', 'A123', 'S1'));

    await scan(dm(OXY_GTIN, '281231', 'A123', 'S3'));
    await scan(dm(OXY_GTIN, '281231', 'A123', 'S4'));
    expect(last()).toMatchObject({ verdict: 'over', tone: 'warn' });

    await scan(dm(LISIN_GTIN, '261215', 'L77', 'X1')); // expires within 90 days
    expect(last()).toMatchObject({ verdict: 'short-dated', tone: 'warn' });
    await scan(dm(LISIN_GTIN, '261001', 'L77', 'X2'));
    expect(last()).toMatchObject({ verdict: 'expired', tone: 'bad' });

    const v = svc.view(id);
    const oxy = v.lines.find((l) => l.ndc === OXY)!;
    expect(oxy).toMatchObject({ expected: 3, received: 4, state: 'over', suspect: 1, schedule: 'CII' });
    expect(oxy.lots).toEqual(expect.arrayContaining([{ lot: 'A123', expiry: '2028-12-31', containers: 3 }, { lot: 'Z999', expiry: '2028-12-31', containers: 1 }]));
    expect(oxy.flags).toEqual(expect.arrayContaining(['wrong-lot', 'over']));
    expect(v.lines.find((l) => l.ndc === LISIN)).toMatchObject({ expected: 2, received: 1, state: 'partial', rejected: 1 });
    expect(v.totals).toEqual({ expected: 5, received: 5, suspect: 1, rejected: 1 });
  });

  it('gives a clear message for bad codes and keeps every raw scan', async () => {
    startManual();
    const bad = [
      [`]d201${OXY_GTIN.slice(0, 13)}9` + `1728123110A1`, /check digit/i],
      [`]d201${OXY_GTIN}17281332` + `10A1`, /date|month/i],
      [`]d201${OXY_GTIN}17281231` + `10${'L'.repeat(25)}`, /20|long/i],
      [dm(ndcToGtin14('0409-1234-01'), '281231', 'Q1', 'N1'), /not in the drug catalog/],
      [`]C1${GS}00003123450000000011`, /not in this shipment/],
    ] as const;
    for (const [raw, msg] of bad) {
      await scan(raw);
      expect(last().tone).toBe('bad');
      expect(last().message).toMatch(msg);
      expect(last().raw).toBe(raw);
    }
    expect(svc.view(svc.activeSessionId!).totals.received).toBe(0);
  });

  it('a scan with no receiving session open is kept and says so', async () => {
    await scan(dm(OXY_GTIN, '281231', 'A123', 'S1'));
    expect(last()).toMatchObject({ verdict: 'no-session', tone: 'bad', session_id: null, raw: dm(OXY_GTIN, '281231', 'A123', 'S1') });
    expect(last().message).toMatch(/No receiving session open/);
  });

  it('a scan cut short (scanner unplugged) is kept and nothing is received', async () => {
    startManual();
    await svc.router.submit({ raw: `]d201${OXY_GTIN}172812`, scannerId: 'zebra-1', source: 'usb-hid-pos', complete: false, problem: 'The scanner was unplugged mid-scan.' });
    expect(last()).toMatchObject({ verdict: 'incomplete', tone: 'bad' });
    expect(last().message).toContain('unplugged');
  });

  it('a scan that lost its first digit is named as cut off, not as a bad barcode', async () => {
    startManual();
    await scan(dm(OXY_GTIN, '281231', 'A123', 'S1').replace(']d201', ']d21'));
    expect(last()).toMatchObject({ verdict: 'incomplete', tone: 'bad' });
    expect(last().message).toMatch(/^Scan cut off: the first digit is missing \(with it, this is GTIN 00300021200305\)/);
    await scan(dm(OXY_GTIN, '281231', 'A123', 'S1'));
    expect(last()).toMatchObject({ verdict: 'received' });
  });

  it('keys a unreadable unit by hand (recorded as hand-keyed), refuses bad keyed fields by name, and removes a scan before commit', async () => {
    const id = startManual();
    const refusal = async (input: Parameters<ReceivingService['keyed']>[0]) => {
      try {
        await svc.keyed(input, 'tech01');
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(await refusal({ ndc: '0002-1200-39', lot: 'A123', expiry: '2028-12-31' })).toMatch(/^ndc: NDC 0002-1200-39 is not in the drug catalog/);
    expect(await refusal({ ndc: '0002-1200-30', lot: 'A123', expiry: '2025-01-31' })).toMatch(/^expiry: 2025-01-31 is past/);
    expect(await refusal({ ndc: '0002-1200-30', lot: 'A123', expiry: '31/12/2028' })).toMatch(/^expiry: The expiry is a date, YYYY-MM-DD/);
    expect(await refusal({ ndc: '0002-1200-30', lot: '', expiry: '2028-12-31' })).toMatch(/^lot: /);
    expect(feed()).toHaveLength(0);

    await svc.keyed({ ndc: '0002-1200-30', lot: 'A123', expiry: '2028-12-31', serial: 'K1' }, 'tech01');
    expect(last()).toMatchObject({ verdict: 'received' });
    const keyedRow = ws.db.prepare<[], { source: string; scanner_id: string }>('SELECT source, scanner_id FROM receiving_scans ORDER BY id DESC LIMIT 1').get()!;
    expect(keyedRow).toEqual({ source: 'keyed', scanner_id: 'keyed:tech01' });
    // The same serial keyed again is a DSCSA suspect, as a scan would be.
    await svc.keyed({ ndc: '0002-1200-30', lot: 'A123', expiry: '2028-12-31', serial: 'K1' }, 'tech02');
    expect(last()).toMatchObject({ verdict: 'duplicate-serial' });
    // The code under the barcode, as printed.
    await svc.keyed({ barcode: `(01)${OXY_GTIN}(17)281231(10)A123(21)K2` }, 'tech01');
    expect(last()).toMatchObject({ verdict: 'received' });
    expect(svc.view(id).lines.find((l) => l.ndc === OXY)!.received).toBe(2);
    expect(ws.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'RECEIVING_HAND_KEYED'").get()).toEqual({ n: 3 });

    const k2 = feed().at(-1)!;
    const scanId = ws.db.prepare<[], { id: number }>('SELECT id FROM receiving_scans ORDER BY id DESC LIMIT 1').get()!.id;
    expect(() => svc.removeScan(id, scanId, '  ', 'tech01')).toThrow(/reason: say why/);
    expect(svc.removeScan(id, scanId, 'keyed twice by mistake', 'tech01')).toBe(1);
    expect(svc.view(id).lines.find((l) => l.ndc === OXY)!.received).toBe(1);
    expect(last()).toMatchObject({ verdict: 'removed' });
    expect(last().message).toMatch(/Removed by tech01: 1 container\(s\) of scan #\d+ — keyed twice by mistake/);
    expect(feed().some((r) => r.raw === k2.raw)).toBe(true); // the raw scan stays
    expect(() => svc.removeScan(id, scanId, 'again', 'tech01')).toThrow(/received nothing in this session that could be removed/);
    svc.commit(id, 'tech01');
    const receipt = listLedger(ws.db, { limit: 10 }).find((e) => e.ndc === OXY)!;
    expect(receipt.data).toMatchObject({ containers: 1, serials: ['K1'] });
  });

  it("dates a receipt by the pharmacy's calendar (1304.21(d)): a delivery at 20:30 in New York was received that day, not the next as in UTC", async () => {
    ws.setSetting('time_zone', 'America/New_York');
    now = new Date('2026-11-21T01:30:00.000Z');
    const id = startManual();
    await scan(dm(OXY_GTIN, '281231', 'A123', 'E1'));
    svc.commit(id, 'tech01');
    const receipt = listLedger(ws.db, { limit: 10 }).find((e) => e.type === 'RECEIPT' && e.ndc === OXY)!;
    expect(receipt.event_time).toBe('2026-11-21T01:30:00.000Z');
    expect(receipt.data).toMatchObject({ date_received: '2026-11-20' });
  });

  it('commits RECEIPT entries per line and lot with the DEA receipt data, once', async () => {
    const id = startManual();
    for (const s of ['S1', 'S2', 'S3']) await scan(dm(OXY_GTIN, '281231', 'A123', s));
    await scan(dm(LISIN_GTIN, '281231', 'L77', 'X1'));
    svc.commit(id, 'tech01');

    const entries = listLedger(ws.db, { limit: 100 }).filter((e) => e.type === 'RECEIPT');
    expect(entries).toHaveLength(2);
    const oxy = entries.find((e) => e.ndc === OXY)!;
    // 3 bottles of 30 tablets (the catalog's package size): 90 tablets.
    expect(oxy).toMatchObject({ lot: 'A123', expiry: '2028-12-31', schedule: 'CII', quantity: 90, delta: 90 });
    expect(oxy.data).toMatchObject({
      supplier: { name: 'Cardinal Health 110', address: '7000 Cardinal Pl, Dublin, OH 43017', dea_number: 'RC0183272' },
      date_received: '2026-11-20',
      containers: 3,
      units_per_container: 30,
      unit: 'TABLET',
      order_form: { kind: 'CSOS', number: 'CSOS-000123' },
      cii_containers_received: 3,
      serials: ['S1', 'S2', 'S3'],
      po_number: 'PO-7781',
    });
    const lis = entries.find((e) => e.ndc === LISIN)!;
    expect(lis.data).toMatchObject({ containers: 1, discrepancies: ['short'] });
    expect(lis.data.order_form).toBeUndefined();
    expect(stockOnHand(ws.db, 'MAIN01', OXY, 'A123')).toBe(90);
    expect(svc.view(id)).toMatchObject({ status: 'committed', active: false });
    expect(svc.view(id).commit!.shortLines).toEqual([{ lineNo: 2, ndc: LISIN, expected: 2, received: 1 }]);

    // Twice: nothing more.
    expect(svc.commit(id, 'tech01')).toEqual({ alreadyCommitted: true });
    expect(listLedger(ws.db, { limit: 100 }).filter((e) => e.type === 'RECEIPT')).toHaveLength(2);
    expect(stockOnHand(ws.db, 'MAIN01', OXY, 'A123')).toBe(90);
    expect(ws.verify().ok).toBe(true);

    // The serials are on record: the same unit in a later delivery is a suspect.
    startManual();
    await scan(dm(OXY_GTIN, '281231', 'A123', 'S2'));
    expect(last()).toMatchObject({ verdict: 'duplicate-serial' });
    expect(last().message).toMatch(/already received before/);
  });

  it('refuses to commit CII without the 222/CSOS order, then commits once it is entered', async () => {
    const id = startManual({ ...po, orderForm: null });
    await scan(dm(OXY_GTIN, '281231', 'A123', 'S1'));
    expect(() => svc.commit(id, 'tech01')).toThrow(/222 or CSOS order number/);
    expect(listLedger(ws.db, { limit: 10 })).toHaveLength(0);
    svc.updateHeader(id, { orderForm: { kind: '222', number: '171234567' } }, 'tech01');
    svc.commit(id, 'tech01');
    const e = listLedger(ws.db, { limit: 10 }).find((x) => x.type === 'RECEIPT')!;
    expect(e.data).toMatchObject({ order_form: { kind: '222', number: '171234567' }, cii_containers_received: 1 });
  });

  it('sets aside CII beyond the order form and a controlled product not ordered until a pharmacist signs a decision', async () => {
    const OXYCONTIN_GTIN = ndcToGtin14('59011-440-10'); // CII, not on this order
    const id = startManual();
    for (const s of ['S1', 'S2', 'S3', 'S4', 'S5']) await scan(dm(OXY_GTIN, '281231', 'A123', s)); // 5 against the order's 3
    await scan(dm(OXYCONTIN_GTIN, '281231', 'OC1', 'U1'));
    await scan(dm(LISIN_GTIN, '281231', 'L77', 'X1'));

    // The review names both, and a commit without decisions writes nothing.
    const review = svc.review(id, 'tech01');
    expect(review.setAside.map((a) => [a.lineNo, a.reason, a.expected, a.received, a.excess])).toEqual([
      [1, 'cii_over_order_form', 3, 5, 2],
      [3, 'controlled_not_ordered', 0, 1, 1],
    ]);
    expect(() => svc.commit(id, 'tech01')).toThrow(/set aside until a pharmacist decides.*line 1 .*5 containers received against 3 on the order form — 2 beyond it.*line 3 .*not on the order/);
    const lineId = (n: number) => review.setAside.find((a) => a.lineNo === n)!.lineId;
    const rph = { userId: 'rph01', password: 'rph01-password-1' };
    const decide = (lines: { lineId: number; decision: 'accept' | 'refuse'; note: string }[], signer = rph) => () => svc.commit(id, 'tech01', { signer, lines });
    // A technician cannot decide; a wrong password decides nothing; an accept needs a note; half the decisions are not enough.
    expect(decide([{ lineId: lineId(1), decision: 'refuse', note: '' }, { lineId: lineId(3), decision: 'refuse', note: '' }], { userId: 'tech01', password: 'tech01-password-1' })).toThrow(/Only a pharmacist can sign/);
    expect(decide([{ lineId: lineId(1), decision: 'refuse', note: '' }, { lineId: lineId(3), decision: 'refuse', note: '' }], { ...rph, password: 'wrong-password' })).toThrow();
    expect(decide([{ lineId: lineId(1), decision: 'accept', note: ' ' }, { lineId: lineId(3), decision: 'refuse', note: '' }])).toThrow(/note: accepting what was set aside needs a note/);
    expect(decide([{ lineId: lineId(1), decision: 'refuse', note: '' }])).toThrow(/line 3/);
    expect(listLedger(ws.db, { limit: 100 })).toHaveLength(0);

    // The pharmacist refuses the 2 extra CII bottles for return and accepts the unordered one with a note.
    svc.commit(id, 'tech01', {
      signer: rph,
      lines: [
        { lineId: lineId(1), decision: 'refuse', note: 'return to Cardinal: not on CSOS-000123' },
        { lineId: lineId(3), decision: 'accept', note: 'Cardinal will add it to a corrected CSOS order' },
      ],
    });
    const receipts = listLedger(ws.db, { limit: 100 }).filter((e) => e.type === 'RECEIPT');
    const oxy = receipts.find((e) => e.ndc === OXY)!;
    expect(oxy).toMatchObject({ quantity: 90 });
    // Only what the order names entered stock; the receipt says what was sent back, under the pharmacist's signature.
    expect(oxy.data).toMatchObject({ containers: 3, serials: ['S1', 'S2', 'S3'], set_aside: { reason: 'cii_over_order_form', decision: 'refuse', excess: 2 }, signatures: [{ user_id: 'rph01' }] });
    expect(stockOnHand(ws.db, 'MAIN01', OXY, 'A123')).toBe(90);
    const oc = receipts.find((e) => e.ndc === '59011-0440-10')!;
    expect(oc.data).toMatchObject({ set_aside: { reason: 'controlled_not_ordered', decision: 'accept', note: 'Cardinal will add it to a corrected CSOS order' }, signatures: [{ user_id: 'rph01', role: 'signer', meaning: 'approval' }] });
    expect(ws.db.prepare('SELECT signer_id FROM entry_signatures WHERE seq = ?').all(oc.seq)).toEqual([{ signer_id: 'rph01' }]);
    expect(svc.view(id).commit!.setAside).toEqual([
      expect.objectContaining({ lineNo: 1, decision: 'refuse', containers: 2, signedBy: 'rph01' }),
      expect.objectContaining({ lineNo: 3, decision: 'accept', containers: 1, signedBy: 'rph01' }),
    ]);
    const audit = ws.db.prepare("SELECT actor, action, target FROM audit_log WHERE action LIKE 'RECEIVING_SET_ASIDE%' ORDER BY id").all();
    expect(audit).toEqual([
      { actor: 'rph01', action: 'RECEIVING_SET_ASIDE_REFUSED', target: `${id}:line 1` },
      { actor: 'rph01', action: 'RECEIVING_SET_ASIDE_ACCEPTED', target: `${id}:line 3` },
    ]);
    // The refused serials were never received: they may arrive again on a corrected order.
    expect(ws.db.prepare("SELECT serial FROM dscsa_serials WHERE serial IN ('S4', 'S5')").all()).toEqual([]);
    expect(ws.verify().ok).toBe(true);
  });

  it('delivers scans to a waiting screen (long poll) as soon as they arrive', async () => {
    startManual();
    const first = await svc.waitForScans(null, 0);
    const waiting = svc.waitForScans(first.cursor, 20_000);
    await scan(dm(OXY_GTIN, '281231', 'A123', 'S1'));
    const got = await waiting;
    expect(got.events.map((e) => e.verdict)).toEqual(['received']);
    expect(got.session!.lines[0]!.received).toBe(1);
    expect(got.cursor).toBe(got.events[0]!.id);
  });

  it('survives a restart of the service: the open session and its scans are in the database', async () => {
    const id = startManual();
    await scan(dm(OXY_GTIN, '281231', 'A123', 'S1'));
    await svc.stop();
    svc = await ws.scanIntake.start({ scanners: false, catalog, log: () => {} });
    expect(svc.activeSessionId).toBe(id);
    await scan(dm(OXY_GTIN, '281231', 'A123', 'S2'));
    expect(svc.view(id).lines[0]!.received).toBe(2);
    expect(ws.scanIntake.receiving).toBe(svc);
  });
});

describe('the browser-mode test hook', () => {
  it('is refused unless the host runs with --test-hooks; with it, scans take the scanner path', async () => {
    // The workstation already has users (the seeded tech01): add the administrator directly.
    ws.users.create({ userId: 'admin', name: 'Administrator', role: 'admin', password: 'admin-password-1', actor: 'test' });
    const auth = ws.users.authenticate('admin', 'admin-password-1');
    if (!auth.ok) throw new Error(auth.message);
    const session = ws.sessions.start(auth.user);
    const handlers = { ...coreHandlers, ...receivingHandlers } as HandlerTable;
    const ctx = { sessionId: session.id, setSessionId: () => {} };
    const raw = dm(OXY_GTIN, '281231', 'A123', 'S1');
    const refused = await dispatch(ws, handlers, { mode: 'browser', testHooks: false }, 'test.scan', { raw }, ctx);
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(feed()).toHaveLength(0);
    const started = await dispatch(ws, handlers, { mode: 'browser', testHooks: true }, 'receiving.start', { from: 'manual', po }, ctx);
    expect(started.ok).toBe(true);
    const ok = await dispatch(ws, handlers, { mode: 'browser', testHooks: true }, 'test.scan', { raw }, ctx);
    expect(ok).toMatchObject({ ok: true, result: { status: 'routed' } });
    expect(last()).toMatchObject({ verdict: 'received', raw });
    expect(ws.db.prepare('SELECT source FROM receiving_scans').pluck().get()).toBe('test');
  });
});

describe('receiving from an EDI 856 ASN', () => {
  it('shows a preview before any session opens: expired and short-dated lots, controlled lines, products the catalog does not list', async () => {
    const text = readFileSync(join(repoRoot, 'src/shared/edi/fixtures/5010-856-pharmacy-asn.edi'), 'utf8');
    const shipment = await readShipmentFile('5010-856-pharmacy-asn.edi', text);
    const narrow: typeof catalog = { ...catalog, isKnownNdc: (n) => n === OXY };
    const p = previewShipment(shipment, narrow, '2025-12-01', 90);
    expect(p.supplier.deaNumber).toBe('PC1234563');
    expect(p.lines.map((l) => [l.lineNo, l.ndc, l.expiry, l.flags])).toEqual([
      [1, '59011-0440-10', '2026-03-31', ['unknown_product']],
      [2, OXY, '2025-12-31', ['short_dated', 'controlled']],
    ]);
    expect(previewShipment(shipment, catalog, '2026-01-15', 90).lines.map((l) => l.flags)).toEqual([['short_dated', 'controlled'], ['expired', 'controlled']]);
    expect(svc.list(false)).toEqual([]); // nothing opened
    await expect(readShipmentFile('notes.txt', 'hello')).rejects.toThrow(/neither an EDI 856 \(X12\) nor an EPCIS document/);
  });

  it('scanning the tare SSCC receives every pack and item under it', async () => {
    const text = readFileSync(join(repoRoot, 'src/shared/edi/fixtures/5010-856-pharmacy-asn.edi'), 'utf8');
    const parsed = parseAsn856(text, '5010-856-pharmacy-asn.edi');
    if (!parsed.ok) throw new Error(parsed.error);
    // The ASN is from June 2024: receive it then, before its lots expire.
    const early = tempWorkstation({ clock: { now: () => new Date('2024-06-11T12:00:00Z') } });
    const s2 = await early.ws.scanIntake.start({ scanners: false, catalog, log: () => {} });
    const lastRow = () => early.ws.db.prepare<[], { verdict: string; tone: string; message: string }>('SELECT * FROM receiving_scans ORDER BY id DESC LIMIT 1').get()!;
    try {
      // The UPC line's NDC (0002-1200-30) is settled by the catalog.
      const id = s2.startSession(parsed.shipment, Buffer.from(text), 'tech01');
      const v0 = s2.view(id);
      expect(v0.supplier).toEqual({ name: 'ACME DRUG DISTRIBUTION', address: '100 MAIN ST, DOCK 4, COLUMBUS, OH 43215, US', deaNumber: 'PC1234563' });
      expect(v0.lines.map((l) => l.ndc)).toEqual(['59011-0440-10', OXY]);
      await s2.router.submit({ raw: `]C1${GS}00003123450000000011`, scannerId: 'a', source: 'test' });
      expect(lastRow()).toMatchObject({ verdict: 'case-received', tone: 'good' });
      expect(lastRow().message).toContain('12 units received');
      expect(s2.view(id).lines.map((l) => [l.received, l.state])).toEqual([
        [2, 'complete'],
        [10, 'complete'],
      ]);
      await s2.router.submit({ raw: `]C1${GS}00003123450000000011`, scannerId: 'b', source: 'test' });
      expect(lastRow()).toMatchObject({ verdict: 'case-already-received', tone: 'bad' });
    } finally {
      await s2.stop();
      early.cleanup();
    }
  });
});

describe.skipIf(!corporaPresent)('receiving from DSCSA EPCIS (shared corpora)', () => {
  it('EPCIS 1.2: the pallet SSCC receives 12 units of lot A123; a unit scanned again is a suspect', async () => {
    const text = readFileSync(corpusPath('epcis', 'openepcis_GS1_US_Pharma_Example_2_2_1_1.xml'), 'utf8');
    const parsed = parseEpcis(text, 'example.xml');
    if (!parsed.ok) throw new Error(parsed.error);
    // The example ships in 2023 with expiry 2025-03-27: receive it on its own dates.
    const early = tempWorkstation({ clock: { now: () => new Date('2023-04-02T12:00:00Z') }, seed: true });
    const s2 = await early.ws.scanIntake.start({ scanners: false, catalog, log: () => {} });
    try {
      const id = s2.startSession(parsed.shipment, Buffer.from(text), 'tech01');
      expect(s2.view(id)).toMatchObject({ poNumber: 'XYZPO189', packs: 4, supplier: { name: 'GS1 Pharma' } });
      const scanner = (raw: string, id2 = 'z') => s2.router.submit({ raw, scannerId: id2, source: 'test' });
      // Case 110 first (4 units), then the whole pallet (the 8 others), then one unit again.
      await scanner(`]d201${'10300010123452'}21110`);
      expect(s2.view(id).lines[0]!.received).toBe(4);
      await scanner(`]C1${GS}00403000112345678901`);
      const v = s2.view(id);
      expect(v.lines[0]).toMatchObject({ ndc: '00001-0123-45', lot: 'A123', expiry: '2025-03-27', expected: 12, received: 12, state: 'complete' });
      await scanner(`]d2010030001012345517250327` + `10A123${GS}2113`);
      const row = early.ws.db.prepare<[], { verdict: string }>('SELECT verdict FROM receiving_scans ORDER BY id DESC LIMIT 1').get()!;
      expect(row.verdict).toBe('duplicate-serial');
      expect(early.ws.quarantine.list()).toHaveLength(1);
      s2.updateHeader(id, { supplier: { name: 'GS1 Pharma', address: '1 Biopharm Ct, Thousand Oaks, CA', deaNumber: 'AB1234563' } }, 'tech01');
      s2.commit(id, 'tech01');
      const receipts = listLedger(early.ws.db, { limit: 10 }).filter((e) => e.type === 'RECEIPT');
      expect(receipts).toHaveLength(1);
      expect(receipts[0]).toMatchObject({ ndc: '00001-0123-45', lot: 'A123', quantity: 12 * 500 });
      expect((receipts[0]!.data.serials as string[]).sort()).toEqual(['11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21', '22']);
      expect(early.ws.verify().ok).toBe(true);
    } finally {
      await s2.stop();
      early.cleanup();
    }
  });
});
