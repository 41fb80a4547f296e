import { describe, expect, it } from 'vitest';
import { RxError, TOKEN_HEADER, type Reply } from '../../shared/ipc/contract';
import { createClient } from './client';
import { captureLaunchToken, TOKEN_STORAGE_KEY } from './launch-token';
import { chooseTransport, httpTransport } from './transport';

const SESSION = { session: null, endedBecause: 'idle' as const };

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function stubFetch(handler: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const f = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return handler(url, init);
  }) as unknown as typeof fetch;
  return { f, calls };
}

async function rejection(p: Promise<unknown>): Promise<RxError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(RxError);
    return err as RxError;
  }
  throw new Error('expected a rejection');
}

describe('transport choice', () => {
  it('uses the preload bridge when present', async () => {
    const seen: [string, unknown][] = [];
    const bridge = { invoke: async (c: string, i: unknown): Promise<Reply> => (seen.push([c, i]), { ok: true, result: SESSION }) };
    const { f, calls } = stubFetch(() => jsonResponse({}));
    const { mode, transport } = chooseTransport({ bridge, fetch: f, token: () => 't' });
    expect(mode).toBe('electron');
    const out = await createClient(transport).invoke('auth.session', {});
    expect(out).toEqual(SESSION);
    expect(seen).toEqual([['auth.session', {}]]);
    expect(calls).toHaveLength(0);
  });

  it('posts to /api/<channel> with the launch token in browser mode', async () => {
    const { f, calls } = stubFetch(() => jsonResponse({ ok: true, result: SESSION }));
    const { mode, transport } = chooseTransport({ bridge: undefined, fetch: f, token: () => 'launch-123' });
    expect(mode).toBe('browser');
    await createClient(transport).invoke('auth.session', {});
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.url).toBe('/api/auth.session');
    expect(call.init.method).toBe('POST');
    expect(call.init.credentials).toBe('same-origin');
    expect((call.init.headers as Record<string, string>)[TOKEN_HEADER]).toBe('launch-123');
    expect(call.init.body).toBe('{}');
  });
});

describe('error mapping', () => {
  it('throws the server error verbatim on {ok:false}', async () => {
    const { f } = stubFetch(() => jsonResponse({ ok: false, error: { code: 'LOCKED', message: 'Locked for 15 minutes after 5 failed attempts.' } }));
    const err = await rejection(createClient(httpTransport({ fetch: f, token: () => 't' })).invoke('auth.signIn', { userId: 'a', password: 'b' }));
    expect(err.code).toBe('LOCKED');
    expect(err.message).toBe('Locked for 15 minutes after 5 failed attempts.');
  });

  it('reads a 401 JSON reply as the error it carries', async () => {
    const { f } = stubFetch(() => jsonResponse({ ok: false, error: { code: 'NOT_SIGNED_IN', message: 'Open the address printed by rxledger.' } }, 401));
    const err = await rejection(createClient(httpTransport({ fetch: f, token: () => null })).invoke('app.info', {}));
    expect(err.code).toBe('NOT_SIGNED_IN');
    expect(err.message).toBe('Open the address printed by rxledger.');
  });

  it('maps a network failure and a non-JSON answer to UNAVAILABLE', async () => {
    const down = stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const e1 = await rejection(createClient(httpTransport({ fetch: down.f, token: () => 't' })).invoke('status.get', {}));
    expect(e1.code).toBe('UNAVAILABLE');
    expect(e1.message).toMatch(/not answering/);

    const html = stubFetch(() => new Response('<html>Bad gateway</html>', { status: 502 }));
    const e2 = await rejection(createClient(httpTransport({ fetch: html.f, token: () => 't' })).invoke('status.get', {}));
    expect(e2.code).toBe('UNAVAILABLE');
    expect(e2.message).toMatch(/HTTP 502/);
  });

  it('maps a rejected bridge call to UNAVAILABLE', async () => {
    const bridge = { invoke: () => Promise.reject(new Error('ipc closed')) };
    const { transport } = chooseTransport({ bridge, fetch: fetch, token: () => null });
    const err = await rejection(createClient(transport).invoke('status.get', {}));
    expect(err.code).toBe('UNAVAILABLE');
  });

  it('refuses an output that breaks the contract', async () => {
    const { f } = stubFetch(() => jsonResponse({ ok: true, result: { session: 'nope', endedBecause: null } }));
    const err = await rejection(createClient(httpTransport({ fetch: f, token: () => 't' })).invoke('auth.session', {}));
    expect(err.code).toBe('INTERNAL');
    expect(err.message).toMatch(/auth.session/);
  });

  it('keeps the message of an unknown error code', async () => {
    const { f } = stubFetch(() => jsonResponse({ ok: false, error: { code: 'SOMETHING_NEW', message: 'Plain words.' } }));
    const err = await rejection(createClient(httpTransport({ fetch: f, token: () => 't' })).invoke('status.get', {}));
    expect(err.code).toBe('INTERNAL');
    expect(err.message).toBe('Plain words.');
  });

  it('tells listeners about every error', async () => {
    const { f } = stubFetch(() => jsonResponse({ ok: false, error: { code: 'SESSION_ENDED', message: 'Signed off.' } }));
    const client = createClient(httpTransport({ fetch: f, token: () => 't' }));
    const seen: string[] = [];
    client.onError((e, c) => seen.push(`${c}:${e.code}`));
    await rejection(client.invoke('stock.list', {}));
    expect(seen).toEqual(['stock.list:SESSION_ENDED']);
  });
});

describe('launch token', () => {
  function env(hash: string, stored: string | null = null) {
    const store = new Map<string, string>(stored ? [[TOKEN_STORAGE_KEY, stored]] : []);
    const replaced: string[] = [];
    return {
      replaced,
      store,
      env: {
        location: { hash, pathname: '/', search: '' },
        history: { state: null, replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) },
        storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
      },
    };
  }

  it('takes the token from the fragment, stores it and clears the address bar', () => {
    const e = env('#token=abc123');
    expect(captureLaunchToken(e.env)).toBe('abc123');
    expect(e.store.get(TOKEN_STORAGE_KEY)).toBe('abc123');
    expect(e.replaced).toEqual(['/']);
  });

  it('falls back to sessionStorage on reload', () => {
    const e = env('', 'kept');
    expect(captureLaunchToken(e.env)).toBe('kept');
    expect(e.replaced).toEqual([]);
  });

  it('returns null without one', () => {
    expect(captureLaunchToken(env('').env)).toBeNull();
  });
});
