import type { z } from 'zod';
import { can } from '../../shared/domain/roles';
import { contract, PUBLIC_CHANNELS, type ChannelSpec, type Channel, type ChannelOutput, type Reply } from '../../shared/ipc/contract';
import { RxError } from '../../shared/errors/error-codes';
import type { Session } from '../auth/sessions';
import { DatabaseLockedError } from '../db/open';
import type { Workstation } from '../workstation';

/** Who is calling: the transport (ipcMain or HTTP) fills this in. */
export interface CallContext {
  sessionId: string | null;
  /** Remembers the session for this caller (a cookie in browser mode, the window in Electron). */
  setSessionId(id: string | null): void;
}

export interface HostInfo {
  mode: 'electron' | 'browser';
  testHooks: boolean;
}

export type Handler<C extends Channel> = (
  input: z.output<(typeof contract)[C]['input']>,
  call: { ws: Workstation; session: Session | null; ctx: CallContext; host: HostInfo },
) => ChannelOutput<C> | Promise<ChannelOutput<C>>;

export type HandlerTable = { [C in Channel]: Handler<C> };

/**
 * The one way into the main process's services from a UI: validate the input against the
 * contract, check the session and the role, run the handler, validate the output. Both the
 * Electron shell and the browser-mode host call this and nothing else.
 */
export async function dispatch(
  ws: Workstation,
  handlers: HandlerTable,
  host: HostInfo,
  channel: string,
  rawInput: unknown,
  ctx: CallContext,
): Promise<Reply> {
  try {
    if (!Object.hasOwn(contract, channel)) throw new RxError('NOT_FOUND', `unknown channel ${channel}`);
    const ch = channel as Channel;
    const spec = contract[ch];
    const parsed = spec.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      throw new RxError('BAD_INPUT', parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
    }
    const { session, endedBecause } = ws.sessions.get(ctx.sessionId);
    if (!PUBLIC_CHANNELS.has(ch)) {
      if (!session) {
        throw endedBecause === 'idle'
          ? new RxError('SESSION_ENDED', `Signed off after ${Math.round(ws.sessions.idleMs / 60_000)} minutes without activity. Sign in again.`)
          : new RxError('NOT_SIGNED_IN', 'Sign in first.');
      }
      if (session.user.must_change_password && ch !== 'auth.changePassword' && ch !== 'auth.signOut' && ch !== 'auth.activity') {
        throw new RxError('MUST_CHANGE_PASSWORD', 'Change your one-time password before doing anything else.');
      }
      const perm = (spec as ChannelSpec).permission;
      if (perm && !can(session.user.role, perm)) throw new RxError('FORBIDDEN', `A ${session.user.role} may not do this (${perm}).`);
    }
    const handler = handlers[ch] as Handler<Channel>;
    const result = await handler(parsed.data as never, { ws, session, ctx, host });
    return { ok: true, result: spec.output.parse(result) };
  } catch (err) {
    return { ok: false, error: toWireError(err) };
  }
}

export function toWireError(err: unknown): { code: RxError['code']; message: string } {
  if (err instanceof RxError) return { code: err.code, message: err.message };
  if (err instanceof DatabaseLockedError) return { code: 'UNAVAILABLE', message: err.message };
  const code = (err as { code?: string }).code;
  if (code === 'INSUFFICIENT_STOCK' || code === 'HOLD_ACTIVE') return { code, message: (err as Error).message };
  console.error('[rxledger] internal error:', err);
  return { code: 'INTERNAL', message: `Internal error: ${(err as Error)?.message ?? String(err)}` };
}
