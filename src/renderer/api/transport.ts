import { API_PREFIX, RxError, TOKEN_HEADER } from '../../shared/ipc/contract';
import type { RxLedgerBridge } from './bridge';

/** Sends one call and returns the raw reply; the client checks its shape. */
export type Transport = (channel: string, input: unknown) => Promise<unknown>;

const NOT_ANSWERING = 'The workstation service is not answering';

export function electronTransport(bridge: RxLedgerBridge): Transport {
  return async (channel, input) => {
    try {
      return await bridge.invoke(channel, input);
    } catch (err) {
      throw new RxError('UNAVAILABLE', `${NOT_ANSWERING} (${describe(err)}). Restart RxLedger if this persists.`);
    }
  };
}

export interface HttpTransportOptions {
  fetch: typeof fetch;
  /** Read on every call, so a token captured after start-up is still used. */
  token: () => string | null;
}

/**
 * Browser mode: same-origin POST per call. The signed-in session rides in an HttpOnly cookie the
 * host sets, so this code never sees it; only the launch token is ours to send.
 */
export function httpTransport(opts: HttpTransportOptions): Transport {
  return async (channel, input) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const token = opts.token();
    if (token) headers[TOKEN_HEADER] = token;
    let response: Response;
    try {
      response = await opts.fetch(API_PREFIX + channel, {
        method: 'POST',
        headers,
        body: JSON.stringify(input ?? {}),
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch (err) {
      throw new RxError('UNAVAILABLE', `${NOT_ANSWERING} (${describe(err)}). Check that RxLedger is still running on this computer.`);
    }
    const text = await response.text().catch(() => '');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new RxError('UNAVAILABLE', `${NOT_ANSWERING} (HTTP ${response.status}, not an RxLedger reply). Check that RxLedger is still running on this computer.`);
    }
  };
}

export interface TransportEnv {
  bridge: RxLedgerBridge | undefined;
  fetch: typeof fetch;
  token: () => string | null;
}

/** The preload's bridge exists only inside the desktop app; everything else is browser mode. */
export function chooseTransport(env: TransportEnv): { mode: 'electron' | 'browser'; transport: Transport } {
  if (env.bridge && typeof env.bridge.invoke === 'function') return { mode: 'electron', transport: electronTransport(env.bridge) };
  return { mode: 'browser', transport: httpTransport({ fetch: env.fetch, token: env.token }) };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
