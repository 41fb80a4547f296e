import { afterAll, describe, expect, it } from 'vitest';
import { BACKENDS, cleanupAll, storageFor } from '../../test/sync-faults/helpers';
import { buildApp } from './app';
import { openServerStore } from './run';

/** Issue 13 point 6: a path that is not valid percent-encoding is the client's mistake, a 400. */
describe.each(BACKENDS)('the central server on %s', (backend) => {
  afterAll(cleanupAll);
  it('answers 400 to a malformed URL on every method, never 500', async () => {
    const { store, release } = await openServerStore(await storageFor(backend));
    const app = await buildApp({ store });
    try {
      for (const [method, url] of [['GET', '/%E0%A4%A'], ['GET', '/v1/server-key%'], ['POST', '/v1/%E0%A4%A/push']] as const) {
        const r = await app.inject({ method, url, ...(method === 'POST' ? { payload: '{}', headers: { 'content-type': 'application/json' } } : {}) });
        expect(r.statusCode).toBe(400);
        expect(JSON.parse(r.body)).toMatchObject({ error: expect.any(String) });
      }
    } finally {
      await app.close();
      await release();
    }
  });
});
