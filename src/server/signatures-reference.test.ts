import { sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualAdjustment } from '../main/holds/adjustments';
import { CatalogStore } from '../main/catalog/store';
import { currentPolicy } from '../main/counts/tolerance-store';
import { signaturesOf, verifyEntrySignatures } from '../main/holds/signatures';
import { enrollWorkstation, syncOnce } from '../main/sync';
import { SyncClient } from '../main/sync/http-client';
import { pushOutbox } from '../main/sync/push';
import { centralUser } from '../main/sync/reference';
import type { Workstation } from '../main/workstation';
import { DEFAULT_TOLERANCE_RULES } from '../shared/counts';
import { BACKENDS, addFacility, adminCall, appendEntries, cleanupAll, enrollmentCode, newWorkstation, storageFor, uniqueFacilityId } from '../../test/sync-faults/helpers';
import { buildApp } from './app';
import { createAdminToken } from './auth/admin-token';
import { sha256Hex } from './crypto';
import { HEADERS, requestSigningString, type WireSignature } from '../shared/sync/protocol';
import { openServerStore } from './run';

const OXY = '00002-1200-30';
const PAT = { userId: 'pat', password: 'pharmacist-pass-1' };

/** An openFDA NDC product record (the shape central catalog items take). */
const oxyProduct = {
  product_ndc: '0002-1200',
  product_id: '0002-1200_oxy',
  generic_name: 'oxycodone hydrochloride',
  brand_name: 'Oxycodone Hydrochloride',
  labeler_name: 'TEST LABS',
  dosage_form: 'TABLET',
  route: ['ORAL'],
  active_ingredients: [{ name: 'OXYCODONE HYDROCHLORIDE', strength: '5 mg/1' }],
  dea_schedule: 'CII',
  marketing_start_date: '20100101',
  finished: true,
  packaging: [{ package_ndc: '0002-1200-30', description: '30 TABLET in 1 BOTTLE (0002-1200-30)', marketing_start_date: '20100101', sample: false }],
};

/** Pharmacist signatures and reference data through a real in-process server. */
describe.each(BACKENDS)('signatures and reference data on %s', (backend) => {
  let url = '';
  let token = '';
  let close: () => Promise<void> = async () => {};

  beforeAll(async () => {
    const { store, release } = await openServerStore(await storageFor(backend));
    token = await createAdminToken(store);
    const app = await buildApp({ store });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    close = async () => {
      await app.close();
      await release();
    };
  });
  afterAll(async () => {
    await close();
    await cleanupAll();
  });

  const pair = async (): Promise<[Workstation, Workstation]> => {
    const facility = uniqueFacilityId();
    await addFacility(url, token, facility);
    const a = newWorkstation(facility).ws;
    const b = newWorkstation(facility).ws;
    await enrollWorkstation(a, url, await enrollmentCode(url, token, facility));
    await enrollWorkstation(b, url, await enrollmentCode(url, token, facility));
    return [a, b];
  };
  /** Stock, a pharmacist, and a signed breakage adjustment on `ws`. */
  const signedAdjustment = (ws: Workstation) => {
    // The ingestion gate is strict: the NDC must be in the catalog.
    if (!new CatalogStore(ws.db).isKnownNdc(OXY)) {
      expect(new CatalogStore(ws.db).importBytes('oxy.json', Buffer.from(JSON.stringify({ results: [oxyProduct] })), { actor: 'test' }).error).toBeNull();
    }
    ws.users.create({ userId: PAT.userId, name: 'Pat Pharmacist', role: 'pharmacist', password: PAT.password, actor: 'test' });
    appendEntries(ws, 3, { ndc: OXY, lot: 'A1' });
    return manualAdjustment(ws, { ndc: OXY, lot: 'A1', quantity: 2, kind: 'breakage', signer: PAT, meaning: 'approval', reason: 'breakage', source: 'cli' });
  };
  const localSignatures = (ws: Workstation): WireSignature[] =>
    ws.db
      .prepare<[string], WireSignature>(
        'SELECT device_id, seq, entry_hash, signer_id, printed_name, role, meaning, reason, signed_at, time_zone, public_key, key_id, signature FROM entry_signatures WHERE device_id = ? ORDER BY id',
      )
      .all(ws.deviceId);
  const signedPost = async (ws: Workstation, path: string, body: unknown) => {
    const text = JSON.stringify(body);
    const c = await fetch(`${url}/v1/auth/challenge`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device_id: ws.deviceId }) });
    const { nonce } = (await c.json()) as { nonce: string };
    const sig = sign(null, Buffer.from(requestSigningString('POST', path, sha256Hex(text), ws.deviceId, nonce), 'utf8'), ws.deviceKey.privateKey).toString('base64');
    const res = await fetch(url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [HEADERS.device]: ws.deviceId, [HEADERS.nonce]: nonce, [HEADERS.signature]: sig },
      body: text,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const serverSignatures = async (deviceId: string) =>
    (await adminCall<{ signatures: (WireSignature & { type: string })[] }>(url, token, 'GET', `/v1/admin/signatures?device_id=${deviceId}`)).signatures;

  it('a signed adjustment on workstation A reaches the server and workstation B, verified on both sides, once', async () => {
    const [a, b] = await pair();
    const adj = signedAdjustment(a);
    const r1 = await syncOnce(a);
    expect(r1.signaturesPushed).toBe(1);

    const held = await serverSignatures(a.deviceId);
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ seq: adj.adjustment.seq, entry_hash: adj.adjustment.hash, signer_id: 'pat', printed_name: 'Pat Pharmacist', role: 'signer', meaning: 'approval', type: 'ADJUSTMENT' });
    expect(held[0]!.signature).toBe(localSignatures(a)[0]!.signature);
    const verify = await adminCall<{ ok: boolean; signatures: { ok: boolean; checked: number } }>(url, token, 'GET', `/v1/admin/verify?facility_id=${a.facilityId}`);
    expect(verify).toMatchObject({ ok: true, signatures: { ok: true, checked: 1 } });

    const r2 = await syncOnce(b);
    expect(r2.signaturesPulled).toBe(1);
    const onB = signaturesOf(b.db, a.deviceId, adj.adjustment.seq);
    expect(onB).toEqual(signaturesOf(a.db, a.deviceId, adj.adjustment.seq));
    expect(verifyEntrySignatures(b.db, b.deviceId)).toEqual({ ok: true, checked: 1, failures: [] });
    expect(b.verify().ok).toBe(true);

    // Idempotent on repeat: a resend is "already", a second pull stores nothing more.
    const again = await signedPost(a, '/v1/signatures', { signatures: localSignatures(a) });
    expect(again).toMatchObject({ status: 200, json: { accepted: 0, already: 1 } });
    expect((await syncOnce(a)).signaturesPushed).toBe(0);
    expect((await syncOnce(b)).signaturesPulled).toBe(0);
    expect(await serverSignatures(a.deviceId)).toHaveLength(1);
    expect(b.db.prepare('SELECT COUNT(*) AS n FROM entry_signatures').get()).toEqual({ n: 1 });
  });

  it('a sibling that pulled the entry before its signature arrived gets the signature on a later pull', async () => {
    const [a, b] = await pair();
    const adj = signedAdjustment(a);
    // A pushes its entries only (a process killed between the two steps).
    const client = new SyncClient({ serverUrl: url, deviceId: a.deviceId, privateKey: a.deviceKey.privateKey });
    await pushOutbox(a, client, { batchSize: 500 });
    expect(await serverSignatures(a.deviceId)).toHaveLength(0);
    const first = await syncOnce(b);
    expect(first.pulled).toBe(a.ledger.head().seq);
    expect(first.signaturesPulled).toBe(0);
    await syncOnce(a);
    const later = await syncOnce(b);
    expect(later.signaturesPulled).toBe(1);
    expect(signaturesOf(b.db, a.deviceId, adj.adjustment.seq)).toHaveLength(1);
    expect(b.verify().ok).toBe(true);
  });

  it('refuses a tampered signature, one moved to another entry, one over an entry not pushed, and another device’s; keeps none', async () => {
    const [a, b] = await pair();
    const adj = signedAdjustment(a);
    const client = new SyncClient({ serverUrl: url, deviceId: a.deviceId, privateKey: a.deviceKey.privateKey });
    await pushOutbox(a, client, { batchSize: 500 });
    const good = localSignatures(a)[0]!;

    const flipped = Buffer.from(good.signature, 'base64');
    flipped[10] = flipped[10]! ^ 0xff;
    const tampered = await signedPost(a, '/v1/signatures', { signatures: [{ ...good, signature: flipped.toString('base64') }] });
    expect(tampered.status).toBe(422);
    expect(tampered.json).toMatchObject({ error: 'BAD_SIGNATURE', seq: adj.adjustment.seq });
    expect(String(tampered.json.message)).toMatch(/does not verify over the entry hash/);

    const otherName = await signedPost(a, '/v1/signatures', { signatures: [{ ...good, printed_name: 'Someone Else' }] });
    expect(otherName).toMatchObject({ status: 422, json: { error: 'BAD_SIGNATURE' } });

    const first = a.db.prepare<[string], { seq: number; hash: string }>('SELECT seq, hash FROM ledger_entries WHERE device_id = ? AND seq = 1').get(a.deviceId)!;
    const moved = await signedPost(a, '/v1/signatures', { signatures: [{ ...good, seq: first.seq, entry_hash: first.hash }] });
    expect(moved.status).toBe(422);
    expect(String(moved.json.message)).toMatch(/does not name pat as a signer/);

    const beyond = await signedPost(a, '/v1/signatures', { signatures: [{ ...good, seq: adj.adjustment.seq + 5 }] });
    expect(beyond).toMatchObject({ status: 409, json: { error: 'ENTRY_NOT_PUSHED' } });

    const foreign = await signedPost(b, '/v1/signatures', { signatures: [good] });
    expect(foreign).toMatchObject({ status: 403, json: { error: 'WRONG_DEVICE' } });

    // A good one with a bad one in the same request: nothing kept.
    const mixed = await signedPost(a, '/v1/signatures', { signatures: [good, { ...good, signer_id: 'pia' }] });
    expect(mixed.status).toBe(422);
    expect(await serverSignatures(a.deviceId)).toHaveLength(0);

    await syncOnce(a);
    expect(await serverSignatures(a.deviceId)).toHaveLength(1);
    const conflict = await signedPost(a, '/v1/signatures', { signatures: [{ ...good, signature: flipped.toString('base64') }] });
    expect(conflict).toMatchObject({ status: 409, json: { error: 'SIGNATURE_CONFLICT' } });
  });

  it('applies pulled reference data: catalog rows, a tolerance policy version, the central user directory', async () => {
    const [a, b] = await pair();
    const other = uniqueFacilityId();
    await addFacility(url, token, other);
    const policy = { ...structuredClone(DEFAULT_TOLERANCE_RULES), ndcs: { [OXY]: { units: 1, percent_bp: 0 } } };
    const product = {
      product_ndc: '12496-1202',
      product_id: '12496-1202_abc',
      generic_name: 'buprenorphine hydrochloride, naloxone hydrochloride',
      brand_name: 'Suboxone',
      labeler_name: 'INDIVIOR INC.',
      dosage_form: 'FILM, SOLUBLE',
      route: ['SUBLINGUAL'],
      active_ingredients: [
        { name: 'BUPRENORPHINE HYDROCHLORIDE', strength: '2 mg/1' },
        { name: 'NALOXONE HYDROCHLORIDE', strength: '.5 mg/1' },
      ],
      dea_schedule: 'CIII',
      marketing_start_date: '20100913',
      finished: true,
      packaging: [{ package_ndc: '12496-1202-3', description: '30 POUCH in 1 CARTON (12496-1202-3)', marketing_start_date: '20100913', sample: false }],
    };
    await adminCall(url, token, 'POST', '/v1/admin/reference', {
      items: [
        { kind: 'catalog', key: '12496-1202', doc: product },
        { kind: 'catalog', key: 'broken', doc: ['not', 'a', 'product'] },
        { kind: 'policy', key: 'tolerance', doc: { ...DEFAULT_TOLERANCE_RULES, recount_before_hold: true } },
        { kind: 'policy', key: `tolerance-${a.facilityId}`, facility_id: a.facilityId, doc: policy },
        { kind: 'policy', key: 'half', facility_id: a.facilityId, doc: { two_person_cii: false } },
        { kind: 'user', key: 'pat', facility_id: a.facilityId, doc: { name: 'Pat Pharmacist', role: 'pharmacist', signing_keys: ['AAAA'] } },
        { kind: 'user', key: 'elsewhere', facility_id: other, doc: { role: 'technician' } },
      ],
    });
    const r = await syncOnce(a);
    expect(r.applied).toEqual({ catalog: 2, policy: 1, users: 1, not_applied: 2 });

    const catalog = new CatalogStore(a.db);
    expect(catalog.lookup('12496-1202-03')).toMatchObject({ schedule: 'CIII', labeler: 'INDIVIOR INC.' });
    expect(catalog.imports(1)[0]).toMatchObject({ imported_by: `sync:${new URL(url).host}` });
    // The facility's own policy wins over the global one; the partial one is refused.
    const p = currentPolicy(a.db);
    expect(p).toMatchObject({ version: 1, created_by: `sync:${new URL(url).host}`, recount_before_hold: false, ndcs: { [OXY]: { units: 1, percent_bp: 0 } } });
    expect(a.audit.list({ action: 'SYNC_REFERENCE_NOT_APPLIED' }).map((x) => x.target)).toEqual(expect.arrayContaining(['catalog:broken', 'policy:half']));
    // Central users are a directory for checking signers, never sign-in accounts here.
    expect(centralUser(a, 'pat')).toEqual({ user_id: 'pat', name: 'Pat Pharmacist', role: 'pharmacist', signing_keys: ['AAAA'] });
    expect(centralUser(a, 'elsewhere')).toBeNull();
    expect(a.users.get('pat')).toBeFalsy();

    // Pulling again changes nothing; a withdrawal marks the user withdrawn, the policy stays.
    expect((await syncOnce(a)).applied).toEqual({ catalog: 0, policy: 0, users: 0, not_applied: 0 });
    await adminCall(url, token, 'POST', '/v1/admin/reference', {
      items: [
        { kind: 'user', key: 'pat', facility_id: a.facilityId, doc: null },
        { kind: 'policy', key: `tolerance-${a.facilityId}`, facility_id: a.facilityId, doc: null },
      ],
    });
    await syncOnce(a);
    expect(centralUser(a, 'pat')).toBeNull();
    expect(currentPolicy(a.db).version).toBe(1);

    // The directory is read as a cross-check on sibling signers: a key it does not list is audited.
    await adminCall(url, token, 'POST', '/v1/admin/reference', {
      items: [{ kind: 'user', key: 'pat', facility_id: a.facilityId, doc: { name: 'Pat Pharmacist', role: 'pharmacist', signing_keys: ['AAAA'] } }],
    });
    await syncOnce(b);
    const adj = signedAdjustment(a);
    await syncOnce(a);
    expect((await syncOnce(b)).signaturesPulled).toBe(1);
    expect(b.audit.list({ action: 'SYNC_SIGNER_UNLISTED' })).toEqual([expect.objectContaining({ target: `${a.deviceId}#${adj.adjustment.seq}` })]);
  });
});
