import { contract, ErrorCode, RxError, type Channel, type ChannelInput, type ChannelOutput } from '../../shared/ipc/contract';
import { captureLaunchToken } from './launch-token';
import { chooseTransport, type Transport } from './transport';

export type Invoke = <C extends Channel>(channel: C, input: ChannelInput<C>) => Promise<ChannelOutput<C>>;

export interface Client {
  invoke: Invoke;
  /** Every RxError any call throws, so the session store can react to NOT_SIGNED_IN anywhere. */
  onError(listener: (err: RxError, channel: Channel) => void): () => void;
}

/**
 * One client for both transports. Outputs are validated against the contract: a reply this
 * screen does not understand is an error to show, not data to render.
 */
export function createClient(transport: Transport): Client {
  const listeners = new Set<(err: RxError, channel: Channel) => void>();

  async function call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
    const raw = await transport(channel, input);
    const result = unwrapReply(raw, channel);
    const parsed = contract[channel].output.safeParse(result);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first ? ` (${first.path.join('.') || 'reply'}: ${first.message})` : '';
      throw new RxError('INTERNAL', `The workstation's answer to ${channel} is not in the expected form${where}. The app and its service may be different versions.`);
    }
    return parsed.data as ChannelOutput<C>;
  }

  return {
    async invoke(channel, input) {
      try {
        return await call(channel, input);
      } catch (err) {
        const rx = err instanceof RxError ? err : new RxError('INTERNAL', err instanceof Error ? err.message : String(err));
        for (const l of listeners) l(rx, channel);
        throw rx;
      }
    },
    onError(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Lenient on the error side: an unknown code still carries the server's message to the user. */
export function unwrapReply(raw: unknown, channel: string): unknown {
  if (typeof raw === 'object' && raw !== null && 'ok' in raw) {
    const r = raw as { ok: unknown; result?: unknown; error?: unknown };
    if (r.ok === true) return r.result;
    if (r.ok === false && typeof r.error === 'object' && r.error !== null) {
      const e = r.error as { code?: unknown; message?: unknown };
      const code = ErrorCode.safeParse(e.code);
      const message = typeof e.message === 'string' && e.message !== '' ? e.message : `${channel} failed (${String(e.code)}).`;
      throw new RxError(code.success ? code.data : 'INTERNAL', message);
    }
  }
  throw new RxError('INTERNAL', `The workstation's answer to ${channel} is not an RxLedger reply. The app and its service may be different versions.`);
}

let defaultClient: (Client & { mode: 'electron' | 'browser' }) | null = null;

/** Picks the transport once, at first use, from the window this renderer runs in. */
export function getClient(): Client & { mode: 'electron' | 'browser' } {
  if (!defaultClient) {
    let token: string | null = null;
    const { mode, transport } = chooseTransport({
      bridge: window.rxledger,
      fetch: window.fetch.bind(window),
      token: () => token,
    });
    if (mode === 'browser') {
      const env = { location: window.location, history: window.history, storage: window.sessionStorage };
      token = captureLaunchToken(env);
      // Pasting the printed address into a tab already open here changes only the fragment:
      // take the new token and start over cleanly rather than keep an error screen up.
      window.addEventListener('hashchange', () => {
        const next = captureLaunchToken(env);
        if (next && next !== token) window.location.reload();
      });
    }
    defaultClient = { ...createClient(transport), mode };
  }
  return defaultClient;
}

export const invoke: Invoke = (channel, input) => getClient().invoke(channel, input);
