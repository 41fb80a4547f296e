import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualAdjustment, resolveHold } from '../main/holds/adjustments';
import { quickCount } from '../main/counts/submit';
import { recordInitialInventory } from '../main/inventory/initial';
import { reportContext } from '../main/reports/export';
import { renderReport } from '../main/reports/render';
import { enrollWorkstation, syncOnce } from '../main/sync';
import type { Workstation } from '../main/workstation';
import { receipt, tempWorkstation, TEST_CATALOG } from '../testing/temp-workstation';
import { BACKENDS, addFacility, adminCall, cleanupAll, enrollmentCode, runCli, storageFor, tempDir } from '../../test/sync-faults/helpers';
import { pdfPages } from '../reports-pdf/pdf-text';
import type { ReportRequest } from '../shared/reports/types';
import { buildApp } from './app';
import { createAdminToken } from './auth/admin-token';
import type { Store } from './db/pg-adapter';
import { openServerStore } from './run';
import { CENTRAL_GENERATOR } from './reports/central-report';

const OXY = '00002-1200-30';
const ALP = '00409-1234-01';
const METHADONE = '00054-0001-01'; // CII, only in the initial inventory
const NOW = new Date('2026-11-20T15:00:00.000Z');
const ZONE = 'America/New_York';

/**
 * A workstation builds a month of controlled-substance history (a receiving-screen receipt with
 * its 222 form, a POS dispense with its prescription and the handler the POS named, a CIV receipt
 * and dispense, a count that finds a loss, the pharmacist's signed and witnessed resolution),
 * syncs it, and exports; the central server computes the same report from what it received, with
 * and without --schedules. The CSVs must be the same bytes.
 */
describe.each(BACKENDS)('DEA reports at the central server on %s', (backend) => {
  let url = '';
  let token = '';
  let ws: Workstation;
  let ws2: Workstation;
  let store: Store;
  const closers: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    const opened = await openServerStore(await storageFor(backend));
    store = opened.store;
    token = await createAdminToken(opened.store);
    const app = await buildApp({ store: opened.store, now: () => NOW });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    closers.push(async () => {
      await app.close();
      await opened.release();
    });
    await addFacility(url, token, 'MAIN01');
    // The central office publishes the catalog and its people; the workstation pulls both.
    const catalog = JSON.parse(readFileSync(TEST_CATALOG, 'utf8')) as { results: { product_ndc: string }[] };
    await adminCall(url, token, 'POST', '/v1/admin/reference', {
      items: [
        ...catalog.results.map((r) => ({ kind: 'catalog', key: r.product_ndc, doc: r })),
        { kind: 'user', key: 'tina', doc: { user_id: 'tina', name: 'Tina Technician', role: 'technician' } },
        { kind: 'user', key: 'pat', doc: { user_id: 'pat', name: 'Pat Pharmacist', role: 'pharmacist' } },
      ],
    });

    const t = tempWorkstation({ clock: { now: () => NOW }, facility: 'MAIN01' });
    ws = t.ws;
    closers.push(t.cleanup);
    ws.setSetting('time_zone', ZONE);
    await enrollWorkstation(ws, url, await enrollmentCode(url, token, 'MAIN01'));
    await syncOnce(ws);
    ws.users.create({ userId: 'tina', name: 'Tina Technician', role: 'technician', password: 'technician-pass-1', actor: 'test' });
    ws.users.create({ userId: 'pat', name: 'Pat Pharmacist', role: 'pharmacist', password: 'pharmacist-pass-1', actor: 'test' });
    ws.ledger.append([
      receipt({
        ndc: OXY,
        lot: 'A123',
        quantity: 100,
        delta: 100,
        actor: 'tina',
        event_time: '2026-11-01T14:00:00.000Z',
        data: {
          supplier: { name: 'Acme Drug Wholesale', address: '9 Depot Way, Memphis, TN', dea_number: 'RA1234563' },
          date_received: '2026-11-01',
          containers: 1,
          units_per_container: 100,
          order_form: { kind: '222', number: '123456789' },
          cii_containers_received: 1,
          line_no: 1,
          po_number: 'PO-77',
        },
      }),
      receipt({
        type: 'DISPENSE',
        ndc: OXY,
        lot: 'A123',
        quantity: 5,
        delta: -5,
        actor: 'pos01',
        event_time: '2026-11-02T15:00:00.000Z',
        data: { pos_transaction_id: 'T-1', patient_token: 'ptok-9', claimed_handler_id: 'pat', prescription: { number: 'RX-4410', prescriber_name: 'Dr. Ada Lane', prescriber_dea: 'BL1234563' } },
      }),
      receipt({ ndc: ALP, lot: 'B7', schedule: 'CIV', quantity: 250, delta: 250, actor: 'tina', event_time: '2026-11-03T14:00:00.000Z', expiry: '2027-10-31' }),
      receipt({ ndc: '00093-0001-01', lot: 'N1', schedule: null, quantity: 30, delta: 30, actor: 'tina', event_time: '2026-11-03T14:00:00.000Z' }),
      receipt({ type: 'DISPENSE', ndc: ALP, lot: 'B7', schedule: 'CIV', quantity: 30, delta: -30, actor: 'pos01', event_time: '2026-11-04T15:00:00.000Z', data: { pos_transaction_id: 'T-2', patient_token: 'ptok-3' } }),
    ]);
    const count = quickCount(ws, { actor: 'tina', ndc: OXY, lot: 'A123', counted: 90, containers: { full_containers: 3, units_per_container: 30, partial_units: [] } });
    resolveHold(ws, {
      holdId: count.hold_id!,
      signer: { userId: 'pat', password: 'pharmacist-pass-1' },
      cosigner: { userId: 'tina', password: 'technician-pass-1' },
      meaning: 'approval',
      reason: 'theft_or_loss',
      details: { loss: { type: 'employee_pilferage', police_report: 'SPD-2026-1182', value_cents: 4250, corrective_action: 'CII safe key now held by the pharmacist on duty only' } },
      source: 'cli',
    });
    // Destructions (Form 41), a return and a transfer (the returns record) and a loss entered by
    // hand (Form 106, beside the count's), each signed by the pharmacist and witnessed.
    const sign = { signer: { userId: 'pat', password: 'pharmacist-pass-1' }, cosigner: { userId: 'tina', password: 'technician-pass-1' }, meaning: 'approval' as const, source: 'cli' as const };
    manualAdjustment(ws, { ...sign, ndc: OXY, lot: 'A123', quantity: 5, kind: 'expired_destruction', reason: 'expired', details: { destruction: { method: 'Rx Destroyer denaturing kit', place: 'Pharmacy back room' } } });
    manualAdjustment(ws, { ...sign, ndc: ALP, lot: 'B7', quantity: 10, kind: 'destruction', reason: 'destroyed', details: { destruction: { method: 'Incineration by reverse distributor', place: 'Clean Harbors, Kimball NE' } } });
    manualAdjustment(ws, { ...sign, ndc: ALP, lot: 'B7', quantity: 20, kind: 'wholesaler_return', reason: 'returned_to_wholesaler', details: { counterparty: { name: 'Acme Drug Wholesale', address: '9 Depot Way, Memphis, TN', dea_number: 'RA1234563' } } });
    manualAdjustment(ws, {
      ...sign,
      ndc: OXY,
      lot: 'A123',
      quantity: 10,
      kind: 'reverse_distributor_return',
      reason: 'returned_to_reverse_distributor',
      details: { counterparty: { name: 'Return Solutions Inc', address: '5 Dock Rd, Dallas, TX', dea_number: 'RR1234563' }, order_form: { kind: '222', number: '998877665', line: 3 } },
    });
    manualAdjustment(ws, { ...sign, ndc: ALP, lot: 'B7', quantity: 3, kind: 'theft_or_loss', reason: 'theft_or_loss', details: { loss: { type: 'burglary', police_report: 'SPD-77', value_cents: 1250, corrective_action: 'Alarm on the back door' } } });
    // Lots found on hand when recording began (the initial inventory), signed by the pharmacist.
    recordInitialInventory(ws, {
      lines: [
        { ndc: METHADONE, lot: 'M1', expiry: '2027-06-30', containers: { full_containers: 1, partial_units: [40] } },
        { ndc: ALP, lot: 'B0', expiry: '2027-06-30', containers: { full_containers: 2, partial_units: [] } },
      ],
      taken: 'opening',
      signer: { userId: 'pat', password: 'pharmacist-pass-1' },
      source: 'cli',
    });
    // A count of B7 far below the book: its hold stays open, and the biennial marks the lot.
    expect(quickCount(ws, { actor: 'tina', ndc: ALP, lot: 'B7', counted: 100 }).hold_id).toBeTruthy();
    await syncOnce(ws);

    // A second workstation of the facility receives too; after both sync, each holds both chains.
    const t2 = tempWorkstation({ clock: { now: () => NOW }, facility: 'MAIN01' });
    ws2 = t2.ws;
    closers.push(t2.cleanup);
    ws2.setSetting('time_zone', ZONE);
    await enrollWorkstation(ws2, url, await enrollmentCode(url, token, 'MAIN01'));
    await syncOnce(ws2);
    ws2.users.create({ userId: 'tina', name: 'Tina Technician', role: 'technician', password: 'technician-pass-1', actor: 'test' });
    ws2.users.create({ userId: 'pat', name: 'Pat Pharmacist', role: 'pharmacist', password: 'pharmacist-pass-1', actor: 'test' });
    // It counts its lot the next day and dispenses after the count: the biennial rolls the count
    // forward by that dispense (a movement line under the lot).
    ws2.ledger.append([
      receipt({ ndc: ALP, lot: 'B9', schedule: 'CIV', quantity: 100, delta: 100, actor: 'tina', event_time: '2026-11-05T14:00:00.000Z', expiry: '2027-12-31' }),
      receipt({ type: 'COUNT', ndc: ALP, lot: 'B9', schedule: 'CIV', expiry: null, quantity: 100, delta: 0, actor: 'tina', event_time: '2026-11-06T14:00:00.000Z', data: { count_id: 'C-B9' } }),
      receipt({ type: 'DISPENSE', ndc: ALP, lot: 'B9', schedule: 'CIV', expiry: null, quantity: 12, delta: -12, actor: 'pos01', event_time: '2026-11-07T15:00:00.000Z', data: { pos_transaction_id: 'T-9', patient_token: 'ptok-5' } }),
    ]);
    await syncOnce(ws2);
    await syncOnce(ws);
  });
  afterAll(async () => {
    while (closers.length) await closers.pop()!();
    await cleanupAll();
  });

  const workstationCsv = async (req: Omit<ReportRequest, 'format'>, on = ws) => (await renderReport(on.db, reportContext(on, CENTRAL_GENERATOR), { ...req, format: 'csv' } as ReportRequest)).bytes;
  const serverCsv = async (path: string, t = token) => {
    const res = await fetch(url + path, { headers: { authorization: `Bearer ${t}` } });
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
  };

  it.each([
    ['cii-log', { from: '2026-11-01', to: '2026-11-30' }],
    ['cii-log', { from: '2026-11-02', to: '2026-11-30' }],
    ['cii-log', { to: '2026-11-20' }],
    ['receipts', { from: '2026-11-01', to: '2026-11-30' }],
    ['receipts', { from: '2026-11-03', to: '2026-11-03' }],
    ['receipts', { from: '2026-11-01', to: '2026-11-30', schedules: 'ciii-v' }],
    ['cii-log', { from: '2026-11-01', to: '2026-11-30', schedules: 'cii', ndcs: [OXY] }],
    ['dispensing', { from: '2026-11-01', to: '2026-11-30' }],
    ['dispensing', { from: '2026-11-01', to: '2026-11-30', schedules: 'cii' }],
    ['form41', { from: '2026-11-01', to: '2026-11-30' }],
    ['form41', { from: '2026-11-01', to: '2026-11-30', schedules: 'ciii-v' }],
    ['returns', { from: '2026-11-01', to: '2026-11-30' }],
    ['returns', { from: '2026-11-01', to: '2026-11-30', schedules: 'cii' }],
    ['form106', { from: '2026-11-01', to: '2026-11-30' }],
    ['form106', { from: '2026-11-20', to: '2026-11-20', schedules: 'ciii-v' }],
    ['biennial', { from: '2026-11-01', to: '2026-11-20', taken: 'close' }],
    ['biennial', { to: '2026-11-20', taken: 'close' }],
    ['biennial', { from: '2026-11-15', to: '2026-11-20', taken: 'close', schedules: 'cii' }],
    ['biennial', { from: '2026-11-01', to: '2026-11-10', taken: 'opening' }],
    ['initial', {}],
    ['initial', { schedules: 'ciii-v' }],
  ] as const)('%s %j: the same bytes as the workstation exports for the same period and head', async (kind, period) => {
    const { ndcs, ...rest } = period as { ndcs?: readonly string[] } & Record<string, string>;
    const q = new URLSearchParams({ ...rest, format: 'csv', tz: ZONE, device: ws.deviceId, ...(ndcs ? { ndc: ndcs.join(',') } : {}) });
    const server = await serverCsv(`/v1/admin/facilities/MAIN01/reports/${kind}?${q}`);
    expect(server.status).toBe(200);
    const mine = await workstationCsv({ kind, ...period } as Omit<ReportRequest, 'format'>);
    // Guard against comparing two empty reports: the period has lines and the head is printed.
    expect(mine.toString('utf8')).toContain(`ledger_head,${ws.deviceId},${ws.ledger.head().seq},${ws.ledger.head().hash},`);
    expect(mine.toString('utf8')).toMatch(/\r\nline,/);
    // The catalog and the people came through sync: names, not bare codes, on both sides.
    expect(mine.toString('utf8')).not.toContain('not in the drug catalog');
    // Dispenses are recorded by the POS device; the person is the handler its source named. The
    // initial inventory is the pharmacist's; a biennial before any count names no counter.
    const person = kind === 'dispensing' ? 'pos01; handler named by the source: Pat Pharmacist (pat)' : kind === 'initial' ? 'Pat Pharmacist (pat)' : 'Tina Technician (tina)';
    if (!('taken' in period && period.taken === 'opening')) expect(mine.toString('utf8')).toContain(person);
    // Counts from the 1st: ws2's count of B9 is rolled forward by the dispense after it.
    if (kind === 'biennial' && period.taken === 'close' && !('schedules' in period)) expect(mine.toString('utf8')).toContain(',B7,2027-10-31,on compliance hold,');
    if (kind === 'biennial' && 'from' in period && period.from === '2026-11-01') expect(mine.toString('utf8')).toMatch(/\r\nmovement,CIV,00409-1234-01,after the count: dispense,/);
    expect(server.bytes.toString('utf8')).toBe(mine.toString('utf8'));
    expect(server.bytes.equals(mine)).toBe(true);
    expect(server.headers.get('x-rxl-sha256')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rxledger server report writes the same file, and names the heads it was computed from', async () => {
    const out = join(tempDir('central-report'), 'cii.csv');
    const r = await runCli(['server', 'report', 'cii-log', '--server', url, '--token', token, '--facility', 'MAIN01', '--from', '2026-11-01', '--to', '2026-11-30', '--tz', ZONE, '--device', ws.deviceId, '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as { sha256: string; ledger_heads: string[]; lines: number };
    const mine = await workstationCsv({ kind: 'cii-log', from: '2026-11-01', to: '2026-11-30' });
    expect(readFileSync(out).equals(mine)).toBe(true);
    expect(printed.ledger_heads).toEqual([`${ws.deviceId}:${ws.ledger.head().seq}:${ws.ledger.head().hash}`, `${ws2.deviceId}:${ws2.ledger.head().seq}:${ws2.ledger.head().hash}`]);
    expect(printed.lines).toBeGreaterThan(0);
    // The biennial's --taken reaches the server.
    const bien = join(tempDir('central-report'), 'biennial.csv');
    const b = await runCli(['server', 'report', 'biennial', '--server', url, '--token', token, '--facility', 'MAIN01', '--from', '2026-11-01', '--to', '2026-11-10', '--taken', 'opening', '--tz', ZONE, '--device', ws.deviceId, '--out', bien]);
    expect(b.stderr).toBe('');
    expect(readFileSync(bien).equals(await workstationCsv({ kind: 'biennial', from: '2026-11-01', to: '2026-11-10', taken: 'opening' }))).toBe(true);
    const refused = await runCli(['server', 'report', 'cii-log', '--server', url, '--token', 'rxa_wrong', '--facility', 'MAIN01', '--out', join(tempDir('central-report'), 'x.csv')]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('administrator token');
  });

  it.each(['receipts', 'cii-log'] as const)('%s: with device=ID, the same bytes as that workstation exports when the facility has two', async (kind) => {
    const period = { from: '2026-11-01', to: '2026-11-30' };
    const outputs: string[] = [];
    for (const on of [ws, ws2]) {
      const mine = (await workstationCsv({ kind, ...period }, on)).toString('utf8');
      // Both chains are in it, this workstation's first, as it prints them.
      const heads = mine.split('\r\n').filter((l) => l.startsWith('ledger_head,'));
      expect(heads).toHaveLength(2);
      expect(heads[0]).toContain(`ledger_head,${on.deviceId},${on.ledger.head().seq},${on.ledger.head().hash},`);
      const q = new URLSearchParams({ ...period, format: 'csv', tz: ZONE, device: on.deviceId });
      const server = await serverCsv(`/v1/admin/facilities/MAIN01/reports/${kind}?${q}`);
      expect(server.status).toBe(200);
      expect(server.bytes.toString('utf8')).toBe(mine);
      outputs.push(mine);
    }
    expect(outputs[0]).not.toBe(outputs[1]);
    if (kind === 'receipts') expect(outputs[0]).toContain(',B9,');
    const stranger = await serverCsv(`/v1/admin/facilities/MAIN01/reports/${kind}?${new URLSearchParams({ ...period, device: 'dev-not-here' })}`);
    expect(stranger.status).toBe(400);
    expect(stranger.bytes.toString('utf8')).toContain('not enrolled at facility MAIN01');
  });

  it('refuses a report without the administrator token, or with a wrong one', async () => {
    const none = await fetch(`${url}/v1/admin/facilities/MAIN01/reports/cii-log?format=csv`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: string }).error).toBe('ADMIN_TOKEN_MISSING');
    const wrong = await serverCsv('/v1/admin/facilities/MAIN01/reports/cii-log?format=csv', 'rxa_wrong');
    expect(wrong.status).toBe(401);
    expect((JSON.parse(wrong.bytes.toString('utf8')) as { error: string }).error).toBe('ADMIN_TOKEN_REFUSED');
  });

  it('says which reports are made on a workstation, and refuses unknown facilities and bad periods', async () => {
    // The audit log is not synced: only a workstation holds it.
    const audit = await serverCsv('/v1/admin/facilities/MAIN01/reports/audit?format=csv');
    expect(audit.status).toBe(400);
    expect(audit.bytes.toString('utf8')).toContain('exported from a workstation');
    const unknown = await serverCsv('/v1/admin/facilities/NOPE99/reports/cii-log?format=csv');
    expect(unknown.status).toBe(404);
    expect((JSON.parse(unknown.bytes.toString('utf8')) as { error: string }).error).toBe('UNKNOWN_FACILITY');
    const empty = await serverCsv('/v1/admin/facilities/MAIN01/reports/cii-log?from=2026-11-30&to=2026-11-01');
    expect(empty.status).toBe(400);
    expect(empty.bytes.toString('utf8')).toContain('the period is empty');
    const word = await serverCsv('/v1/admin/facilities/MAIN01/reports/cii-log?format=docx');
    expect(word.status).toBe(400);
  });

  it('a console user downloads a report: the same bytes as a workstation generating it as that user, audited with its sha256', async () => {
    await adminCall(url, token, 'POST', '/v1/admin/console-users', { user_id: 'cofficer', name: 'Casey Officer', role: 'compliance_officer', password: 'compliance-pw-0001' });
    const signIn = await fetch(`${url}/console/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'cofficer', password: 'compliance-pw-0001' }) });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const period = { from: '2026-11-01', to: '2026-11-30' };
    const q = new URLSearchParams({ ...period, format: 'csv', tz: ZONE, device: ws.deviceId });
    const res = await fetch(`${url}/console/api/reports/MAIN01/form41?${q}`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('rxledger-form41-MAIN01-2026-11-01_2026-11-30.csv');
    const bytes = Buffer.from(await res.arrayBuffer());
    const mine = (await renderReport(ws.db, reportContext(ws, { user_id: 'cofficer', name: 'Casey Officer' }), { kind: 'form41', ...period, format: 'csv' })).bytes;
    expect(bytes.toString('utf8')).toContain('by Casey Officer (cofficer)');
    expect(bytes.equals(mine)).toBe(true);
    const done = await store.query<{ details: string }>("SELECT details FROM server_audit WHERE action = 'export report' AND outcome = 'done' AND user_id = 'cofficer'");
    expect(done.rows).toHaveLength(1);
    expect(JSON.parse(done.rows[0]!.details)).toMatchObject({ facility_id: 'MAIN01', kind: 'form41', format: 'csv', from: '2026-11-01', to: '2026-11-30', sha256: res.headers.get('x-rxl-sha256') });
    // No session: refused by the console's session hook; the audit trail is refused and audited.
    expect((await fetch(`${url}/console/api/reports/MAIN01/form41?${q}`)).status).toBe(401);
    const audit = await fetch(`${url}/console/api/reports/MAIN01/audit?${q}`, { headers: { cookie } });
    expect(audit.status).toBe(400);
    const refused = await store.query<{ details: string }>("SELECT details FROM server_audit WHERE action = 'export report' AND outcome = 'refused' AND user_id = 'cofficer'");
    expect(JSON.parse(refused.rows[0]!.details)).toMatchObject({ code: 'BAD_REQUEST', kind: 'audit' });
  });

  it.each([
    ['cii-log', { from: '2026-11-01', to: '2026-11-30' }],
    ['biennial', { from: '2026-11-01', to: '2026-11-20', taken: 'close' }],
    ['form106', { from: '2026-11-01', to: '2026-11-30' }],
  ] as const)('%s %j as PDF: the same text on the same pages as the workstation prints', async (kind, period) => {
    const q = new URLSearchParams({ ...period, format: 'pdf', tz: ZONE, device: ws.deviceId });
    const server = await serverCsv(`/v1/admin/facilities/MAIN01/reports/${kind}?${q}`);
    expect(server.status).toBe(200);
    expect(server.headers.get('content-type')).toBe('application/pdf');
    const mine = (await renderReport(ws.db, reportContext(ws, CENTRAL_GENERATOR), { kind, ...period, format: 'pdf' } as ReportRequest)).bytes;
    const pages = pdfPages(mine).map((p) => p.lines);
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.flat().join(' ')).toContain('Ledger head');
    // pdfkit stamps each file with its creation time: the pages, not the bytes, are compared.
    expect(pdfPages(server.bytes).map((p) => p.lines)).toEqual(pages);
  });
});
