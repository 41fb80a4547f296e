import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { allHandlers } from '../src/main/ipc/all-handlers';
import { dispatch, type CallContext } from '../src/main/ipc/dispatch';
import type { Workstation } from '../src/main/workstation';
import { CATALOG_CHUNK_BYTES } from '../src/shared/ipc/catalog-channels';
import { buildApp } from '../src/server/app';
import { createAdminToken } from '../src/server/auth/admin-token';
import { openServerStore } from '../src/server/run';
import { REPO, addFacility, cleanupAll, enrollmentCode, newWorkstation, tempDir } from './sync-faults/helpers';

/**
 * Issue 15 point 4: the administrator's set-up screens over the same dispatch both transports
 * use — catalog import in pieces, the registrant, and enrollment with a real central server
 * (PGlite) on 127.0.0.1. Real SQLite files throughout.
 */
afterAll(cleanupAll);

let ws: Workstation;
beforeEach(() => {
  ws = newWorkstation('MAIN01').ws;
  ws.users.create({ userId: 'ada', name: 'Ada Admin', role: 'admin', password: 'admin-pass-long-1', mustChange: false, actor: 'test' });
  ws.users.create({ userId: 'tina', name: 'Tina Technician', role: 'technician', password: 'technician-pass-1', mustChange: false, actor: 'test' });
});

function caller(userId: string, password: string) {
  let sid: string | null = null;
  const ctx: CallContext = {
    get sessionId() {
      return sid;
    },
    setSessionId: (id) => (sid = id),
  };
  const call = async <T = Record<string, unknown>>(channel: string, input: unknown): Promise<T> => {
    const r = await dispatch(ws, allHandlers, { mode: 'browser', testHooks: false }, channel, input, ctx);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.result as T;
  };
  return { signIn: () => call('auth.signIn', { userId, password }), call };
}

interface JobView {
  jobId: string;
  state: string;
  done: number;
  total: number;
  results: { file: string; format: string | null; products: number; packages: number; added: number; updated: number; unchanged: number; skipped: number; error: string | null }[];
  error: string | null;
}

/** What the Settings screen does: begin, send each file in base64 pieces, run, poll until finished. */
async function importFiles(call: ReturnType<typeof caller>['call'], files: { name: string; bytes: Buffer }[]): Promise<JobView> {
  const { jobId, chunkBytes } = await call<{ jobId: string; chunkBytes: number }>('catalog.importBegin', { files: files.map((f) => ({ name: f.name, size: f.bytes.length })) });
  expect(chunkBytes).toBe(CATALOG_CHUNK_BYTES);
  for (const [i, f] of files.entries()) {
    for (let offset = 0; offset < f.bytes.length; offset += chunkBytes) {
      await call('catalog.importChunk', { jobId, file: i, offset, data: f.bytes.subarray(offset, offset + chunkBytes).toString('base64') });
    }
  }
  let job = await call<JobView>('catalog.importRun', { jobId });
  while (job.state === 'importing') {
    await new Promise((r) => setTimeout(r, 10));
    job = await call<JobView>('catalog.importStatus', { jobId });
  }
  return job;
}

const sample = (f: string) => ({ name: f, bytes: readFileSync(join(REPO, 'resources', 'catalog', f)) });
const packagesInCatalog = () => (ws.db.prepare('SELECT COUNT(*) AS n FROM catalog_packages').get() as { n: number }).n;

describe('catalog import from Settings', () => {
  it('imports the FDA product.txt and package.txt sample in pieces (package file chosen first), for the signed-in user, audited as the CLI import', async () => {
    const admin = caller('ada', 'admin-pass-long-1');
    await admin.signIn();
    const job = await importFiles(admin.call, [sample('fda_package_sample.txt'), sample('fda_product_sample.txt'), sample('openfda_ndc_sample.csv')]);
    expect(job.state).toBe('done');
    expect(job.error).toBeNull();
    expect(job.results.map((r) => [r.file, r.format, r.error])).toEqual([
      ['fda_package_sample.txt', 'fda-package', null],
      ['fda_product_sample.txt', 'fda-product', null],
      ['openfda_ndc_sample.csv', 'openfda-csv', null],
    ]);
    expect(job.results[0]).toMatchObject({ packages: 1, added: 1, skipped: 0 });
    expect(job.results[1]).toMatchObject({ products: 2, added: 2 });
    expect(job.results[2]!.packages).toBe(7);
    expect(packagesInCatalog()).toBe(8);
    const audited = ws.audit.list({ action: 'CATALOG_IMPORTED', limit: 10 });
    expect(audited.map((a) => [a.actor, a.target]).sort()).toEqual([
      ['ada', 'fda_package_sample.txt'],
      ['ada', 'fda_product_sample.txt'],
      ['ada', 'openfda_ndc_sample.csv'],
    ]);

    // The same files again: nothing added, everything unchanged.
    const again = await importFiles(admin.call, [sample('openfda_ndc_sample.csv')]);
    expect(again.results[0]).toMatchObject({ added: 0, updated: 0, unchanged: 14 });
  });

  it('carries a file larger than one piece', async () => {
    const admin = caller('ada', 'admin-pass-long-1');
    await admin.signIn();
    const csv = readFileSync(join(REPO, 'resources', 'catalog', 'openfda_ndc_sample.csv'), 'utf8');
    const [header, ...rows] = csv.trimEnd().split('\n');
    // The same rows with trailing blank lines up to more than two pieces: a real file's size, the sample's rows.
    const big = Buffer.from(`${header}\n${rows.join('\n')}\n${'\n'.repeat(CATALOG_CHUNK_BYTES * 2)}`);
    const job = await importFiles(admin.call, [{ name: 'openfda-big.csv', bytes: big }]);
    expect(job.state).toBe('done');
    expect(job.results[0]).toMatchObject({ packages: 7, error: null });
  });

  it('refuses a file of the wrong kind naming it, imports nothing of the choice, and records the refusal', async () => {
    const admin = caller('ada', 'admin-pass-long-1');
    await admin.signIn();
    const wrong = { name: 'shipment.edi', bytes: Buffer.from('ISA*00*          *00*          *ZZ*ACME           *ZZ*PHARMACY       *260101*1200*U*00401*000000001*0*P*>~\n') };
    await expect(importFiles(admin.call, [sample('fda_product_sample.txt'), wrong])).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/^files: the file "shipment\.edi" is not a drug catalog file: .*\. Nothing was imported\.$/s) });
    expect(packagesInCatalog()).toBe(0);
    expect((ws.db.prepare('SELECT COUNT(*) AS n FROM catalog_products').get() as { n: number }).n).toBe(0);
    expect(ws.audit.list({ action: 'CATALOG_IMPORT_REFUSED', limit: 5 }).map((a) => [a.actor, a.target])).toEqual([['ada', 'shipment.edi']]);
  });

  it('takes pieces only in order and within the declared size, and a job only from the user who began it', async () => {
    const admin = caller('ada', 'admin-pass-long-1');
    await admin.signIn();
    const { jobId } = await admin.call<{ jobId: string }>('catalog.importBegin', { files: [{ name: 'product.txt', size: 4 }] });
    await expect(admin.call('catalog.importChunk', { jobId, file: 0, offset: 2, data: Buffer.from('ab').toString('base64') })).rejects.toMatchObject({ message: /piece at 2 arrived, 0 expected/ });
    await expect(admin.call('catalog.importChunk', { jobId, file: 0, offset: 0, data: Buffer.from('abcdef').toString('base64') })).rejects.toMatchObject({ message: /^files: product\.txt: more bytes than its size/ });
    await expect(admin.call('catalog.importRun', { jobId })).rejects.toMatchObject({ message: /^files: product\.txt: 0 of 4 bytes arrived/ });
    const manager = caller('morgan', 'manager-pass-1');
    await manager.signIn();
    await expect(manager.call('catalog.importStatus', { jobId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(packagesInCatalog()).toBe(0);
  });

  it('is for a manager or administrator: a technician is refused', async () => {
    const tech = caller('tina', 'technician-pass-1');
    await tech.signIn();
    await expect(tech.call('catalog.importBegin', { files: [{ name: 'product.txt', size: 10 }] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('registrant from Settings', () => {
  it('refuses a DEA number whose check digit is wrong, changing nothing; sets a right one, audited for the user', async () => {
    const admin = caller('ada', 'admin-pass-long-1');
    await admin.signIn();
    await expect(admin.call('reports.setRegistrant', { name: 'Main Street Pharmacy', address: '1 Main St', deaNumber: 'AB1234564' })).rejects.toMatchObject({ message: /deaNumber: .*check digit/ });
    expect(ws.setting('facility_dea_number')).toBeNull();
    const r = await admin.call<{ dea_number: string; problem: string | null }>('reports.setRegistrant', { name: 'Main Street Pharmacy', address: '1 Main St', deaNumber: 'ab1234563' });
    expect(r).toMatchObject({ dea_number: 'AB1234563', problem: null });
    expect(ws.audit.list({ action: 'FACILITY_REGISTRANT_SET', limit: 5 }).map((a) => a.actor)).toEqual(['ada']);
  });
});

describe('enrollment from Settings', () => {
  let url = '';
  let token = '';
  let close: () => Promise<void> = async () => undefined;

  afterAll(async () => close());

  // The central server (PGlite) is opened once, before the test's clock starts: opening it is slow on a loaded machine.
  beforeAll(async () => {
    const storage = { dataDir: tempDir('server') };
    const { store, release } = await openServerStore(storage);
    token = await createAdminToken(store);
    const app = await buildApp({ store });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    close = async () => {
      await app.close();
      await release();
    };
    await addFacility(url, token, 'MAIN01');
  }, 120_000);

  /** A port on 127.0.0.1 nothing listens on. */
  async function closedPort(): Promise<number> {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as { port: number }).port;
    await new Promise((r) => s.close(r));
    return port;
  }

  it('refuses a bad address, an unreachable server and a wrong code at their fields, then enrolls with the CLI path, audited for the manager', { timeout: 120_000 }, async () => {
    const manager = caller('morgan', 'manager-pass-1');
    await manager.signIn();
    const before = await manager.call<{ serverUrl: string | null; syncState: string; deviceId: string }>('settings.enrollment', {});
    expect(before).toMatchObject({ serverUrl: null, syncState: 'not-enrolled', deviceId: ws.deviceId });

    await expect(manager.call('settings.enroll', { serverUrl: 'central.example', code: 'x' })).rejects.toMatchObject({ code: 'BAD_INPUT', message: /^serverUrl: not a web address/ });
    const code = await enrollmentCode(url, token, 'MAIN01');
    await expect(manager.call('settings.enroll', { serverUrl: `http://127.0.0.1:${await closedPort()}`, code })).rejects.toMatchObject({ code: 'UNAVAILABLE', message: /^serverUrl: central server .* unreachable.*was not enrolled\.$/s });
    await expect(manager.call('settings.enroll', { serverUrl: url, code: 'NOT-A-CODE' })).rejects.toMatchObject({ message: /^code: that is not an enrollment code/ });
    const wrong = `${code.slice(0, 9)}${code.slice(9).split('').reverse().join('')}`;
    await expect(manager.call('settings.enroll', { serverUrl: url, code: wrong })).rejects.toMatchObject({ message: /^code: the enrollment code is not one this server issued/ });
    expect((await manager.call<{ serverUrl: string | null }>('settings.enrollment', {})).serverUrl).toBeNull();

    const tech = caller('tina', 'technician-pass-1');
    await tech.signIn();
    await expect(tech.call('settings.enroll', { serverUrl: url, code })).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const after = await manager.call<{ serverUrl: string; enrolledAt: string | null; syncState: string }>('settings.enroll', { serverUrl: url, code });
    expect(after.serverUrl).toBe(url);
    expect(after.enrolledAt).not.toBeNull();
    expect(after.syncState).toBe('online');
    expect(ws.audit.list({ action: 'SYNC_ENROLLED', limit: 5 }).map((a) => [a.actor, a.target])).toEqual([['morgan', url]]);
    // The server sends the registrant with the enrollment.
    expect(ws.setting('facility_dea_number')).toBe('AB1234563');

    // A code used once is refused at the code field.
    await expect(manager.call('settings.enroll', { serverUrl: url, code })).rejects.toMatchObject({ message: /^code: this enrollment code was already used/ });
  });
});
