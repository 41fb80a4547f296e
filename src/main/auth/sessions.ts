import { randomBytes } from 'node:crypto';
import type { AuditTrail } from '../audit/trail';
import type { User } from './users';

export interface Session {
  id: string;
  user: User;
  startedAt: number;
  lastActivity: number;
  /** Part 11 §11.200: after the first signing in a continuous session, the password alone suffices. */
  hasSigned: boolean;
}

export type EndReason = 'signed-out' | 'idle' | 'replaced';

/**
 * Signed-in sessions, in memory: a restart signs everybody out, which is what a pharmacy
 * expects of a workstation. Idle sessions end after `idleMs` (HIPAA automatic logoff) and
 * the logoff is audited even when nobody is looking at the screen.
 */
export class SessionManager {
  private readonly sessions = new Map<string, Session>();
  private readonly ended = new Map<string, EndReason>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly audit: AuditTrail,
    public idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  start(user: User): Session {
    const s: Session = { id: randomBytes(24).toString('base64url'), user, startedAt: this.now(), lastActivity: this.now(), hasSigned: false };
    this.sessions.set(s.id, s);
    this.audit.record({ actor: user.user_id, action: 'SIGN_IN', target: user.user_id, details: { role: user.role } });
    return s;
  }

  /** The live session for an id, or null (and why) once it has ended. Does not count as activity. */
  get(id: string | null | undefined): { session: Session | null; endedBecause: EndReason | null } {
    if (!id) return { session: null, endedBecause: null };
    this.expireIdle();
    const s = this.sessions.get(id) ?? null;
    return { session: s, endedBecause: s ? null : (this.ended.get(id) ?? null) };
  }

  touch(id: string): void {
    const s = this.sessions.get(id);
    if (s) s.lastActivity = this.now();
  }

  end(id: string, reason: EndReason): void {
    const s = this.sessions.get(id);
    if (!s) return;
    this.sessions.delete(id);
    this.ended.set(id, reason);
    if (this.ended.size > 1000) this.ended.delete(this.ended.keys().next().value!);
    this.audit.record({
      actor: s.user.user_id,
      action: reason === 'idle' ? 'LOGOFF_IDLE' : 'SIGN_OUT',
      target: s.user.user_id,
      details: reason === 'idle' ? { idle_seconds: Math.round(this.idleMs / 1000) } : { reason },
    });
  }

  expireIdle(): void {
    const now = this.now();
    for (const s of [...this.sessions.values()]) if (now - s.lastActivity >= this.idleMs) this.end(s.id, 'idle');
  }

  /** Sweeps idle sessions so the logoff is audited on time even without requests. */
  startSweeper(everyMs = 5_000): void {
    this.timer ??= setInterval(() => this.expireIdle(), Math.min(everyMs, Math.max(250, this.idleMs / 4)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
