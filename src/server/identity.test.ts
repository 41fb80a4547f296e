import { afterAll, describe, expect, it } from 'vitest';
import { deviceRecordSigned } from '../shared/sync/proofs';
import { enrollWorkstation, syncOnce } from '../main/sync';
import { pinDevices, pinServerKey } from '../main/sync/enroll';
import { BACKENDS, addFacility, cleanupAll, enrollmentCode, newWorkstation, storageFor } from '../../test/sync-faults/helpers';
import { buildApp } from './app';
import { createAdminToken } from './auth/admin-token';
import { ledgerCrypto } from './crypto';
import { openServerStore } from './run';

/** The server's identity key: one per database, served at /v1/server-key, signing every device record it lists. */
describe.each(BACKENDS)('server identity key on %s', (backend) => {
  afterAll(cleanupAll);

  it('is made once, kept in the database across restarts, served, pinned at enrollment, and signs every sibling record', async () => {
    const storage = await storageFor(backend);
    const keys: string[] = [];
    for (let start = 0; start < 2; start++) {
      const { store, release } = await openServerStore(storage);
      const token = await createAdminToken(store);
      const app = await buildApp({ store });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const addr = app.server.address();
      const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
      try {
        const served = (await (await fetch(`${url}/v1/server-key`)).json()) as { public_key: string; algorithm: string };
        expect(served.algorithm).toBe('Ed25519');
        keys.push(served.public_key);
        if (start === 1) {
          await addFacility(url, token, 'MAIN01');
          const a = newWorkstation('MAIN01').ws;
          const b = newWorkstation('MAIN01').ws;
          await enrollWorkstation(a, url, await enrollmentCode(url, token, 'MAIN01'));
          await enrollWorkstation(b, url, await enrollmentCode(url, token, 'MAIN01'));
          await syncOnce(a);
          expect(a.db.prepare("SELECT value FROM sync_state WHERE key = 'server_key'").get()).toEqual({ value: served.public_key });
          const rows = a.db.prepare<[], { device_id: string; facility_id: string; public_key: string; server_signature: string }>('SELECT device_id, facility_id, public_key, server_signature FROM devices').all();
          expect(rows.map((r) => r.device_id).sort()).toEqual([a.deviceId, b.deviceId].sort());
          for (const r of rows) expect(deviceRecordSigned(ledgerCrypto, served.public_key, r, r.server_signature)).toBe(true);

          // A server presenting another key, or a sibling record not signed by the pinned one, is refused.
          const sig = rows.find((r) => r.device_id === a.deviceId)!.server_signature;
          expect(() => pinServerKey(a, 'A'.repeat(43) + '=', sig)).toThrow(/another identity key/);
          const sibling = rows.find((r) => r.device_id === b.deviceId)!;
          expect(() => pinDevices(a.db, a.deviceId, [{ ...sibling, head_seq: 0, public_key: 'B'.repeat(43) + '=' }], 'now', served.public_key)).toThrow(/not signed by its identity key/);
        }
      } finally {
        await app.close();
        await release();
      }
    }
    expect(keys[0]).toBe(keys[1]);
  });
});
