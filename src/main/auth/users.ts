import type { Role } from '../../shared/domain/roles';
import type { AuditTrail } from '../audit/trail';
import type { Db } from '../db/open';
import { reencryptSigningKeyOnPasswordChange } from '../holds/signatures/keys';
import { hashPassword, passwordProblem, verifyPassword } from './passwords';
import { cachedStatement } from '../db/statement-cache';
import { wallClockWithZone } from '../../shared/domain/wall-clock';

export interface User {
  user_id: string;
  name: string;
  role: Role;
  must_change_password: boolean;
  disabled: boolean;
}

export interface LockoutPolicy {
  maxFailures: number;
  lockMinutes: number;
}
export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, lockMinutes: 15 };

export type AuthResult =
  | { ok: true; user: User }
  | { ok: false; code: 'BAD_CREDENTIALS' | 'LOCKED' | 'DISABLED'; message: string; lockedUntil?: string };

export class UserError extends Error {
  constructor(
    readonly code: 'EXISTS' | 'NAME_TAKEN' | 'NOT_FOUND' | 'WEAK_PASSWORD' | 'BAD_INPUT',
    message: string,
  ) {
    super(message);
  }
}

interface UserRow {
  user_id: string;
  name: string;
  role: Role;
  password_hash: string;
  must_change_password: number;
  failed_attempts: number;
  locked_until: string | null;
  disabled: number;
}

/** A printed name as a reader compares it: case, spacing and punctuation spacing folded. */
export function printedNameKey(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').replace(/\s*([,.])\s*/g, '$1 ').trim().toLowerCase();
}

const toUser = (r: UserRow): User => ({
  user_id: r.user_id,
  name: r.name,
  role: r.role,
  must_change_password: r.must_change_password === 1,
  disabled: r.disabled === 1,
});

/** Users, passwords and lockout. Every outcome that matters for an inspector goes to the audit trail. */
export class UserStore {
  /**
   * Failed attempts on user IDs that do not exist, counted like real ones so the messages
   * ("N attempts left", the lockout) are the same and cannot tell which IDs exist. In memory:
   * nothing is stored about IDs that are not users; a restart forgets them.
   */
  private readonly unknownFailures = new Map<string, { failures: number; lockedUntil: string | null }>();
  /** A full-cost hash to check passwords of unknown IDs against, made once (~60 ms). */
  private decoyHash: string | null = null;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
    private readonly policy: LockoutPolicy = DEFAULT_LOCKOUT,
    private readonly now: () => Date = () => new Date(),
    /** The facility's zone: a lockout says until when in the time the counter's clock shows. */
    private readonly timeZone: () => string = () => 'UTC',
  ) {}

  private wrongMessage(left: number): string {
    return `User ID or password is wrong. ${left} attempt${left === 1 ? '' : 's'} left before the account locks.`;
  }

  private lockedMessage(until: string, justNow: boolean): string {
    const when = wallClockWithZone(until, this.timeZone());
    return justNow
      ? `Too many failed attempts: account locked for ${this.policy.lockMinutes} minutes, until ${when}.`
      : `Account locked after ${this.policy.maxFailures} failed attempts until ${when}.`;
  }

  /** An unknown ID goes through the same steps, counts and words as a known one with a wrong password. */
  private failUnknown(userId: string, password: string, purpose: 'sign-in' | 'signature', now: Date): AuthResult {
    this.decoyHash ??= hashPassword('decoy-password-never-valid');
    verifyPassword(password, this.decoyHash);
    const nowIso = now.toISOString();
    const prior = this.unknownFailures.get(userId);
    if (prior?.lockedUntil && prior.lockedUntil > nowIso) {
      this.audit.record({ actor: userId, action: 'SIGN_IN_FAILED', target: userId, details: { reason: 'unknown user', purpose } });
      return { ok: false, code: 'LOCKED', message: this.lockedMessage(prior.lockedUntil, false), lockedUntil: prior.lockedUntil };
    }
    const failures = (prior && !prior.lockedUntil ? prior.failures : 0) + 1;
    this.audit.record({ actor: userId, action: purpose === 'sign-in' ? 'SIGN_IN_FAILED' : 'SIGNATURE_AUTH_FAILED', target: userId, details: { reason: 'unknown user' } });
    // Bounded: a flood of made-up IDs must not grow memory without end.
    if (!prior && this.unknownFailures.size >= 10_000) this.unknownFailures.delete(this.unknownFailures.keys().next().value!);
    if (failures >= this.policy.maxFailures) {
      const until = new Date(now.getTime() + this.policy.lockMinutes * 60_000).toISOString();
      this.unknownFailures.set(userId, { failures: 0, lockedUntil: until });
      return { ok: false, code: 'LOCKED', message: this.lockedMessage(until, true), lockedUntil: until };
    }
    this.unknownFailures.set(userId, { failures, lockedUntil: null });
    return { ok: false, code: 'BAD_CREDENTIALS', message: this.wrongMessage(this.policy.maxFailures - failures) };
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  get(userId: string): User | null {
    const row = this.row(userId);
    return row ? toUser(row) : null;
  }

  list(): User[] {
    return this.db.prepare<[], UserRow>('SELECT * FROM users ORDER BY user_id').all().map(toUser);
  }

  private row(userId: string): UserRow | undefined {
    return cachedStatement<[string], UserRow>(this.db, 'SELECT * FROM users WHERE user_id = ?').get(userId);
  }

  create(input: { userId: string; name: string; role: Role; password: string; mustChange?: boolean; actor: string; oneTime?: boolean }): User {
    if (!/^[a-z0-9._-]{2,32}$/.test(input.userId)) {
      throw new UserError('BAD_INPUT', 'a user ID is 2–32 lowercase letters, digits, dot, dash or underscore');
    }
    if (!input.name.trim()) throw new UserError('BAD_INPUT', 'a user needs a full name (it is printed with every signature)');
    const weak = input.oneTime ? null : passwordProblem(input.password);
    if (weak) throw new UserError('WEAK_PASSWORD', weak);
    const hash = hashPassword(input.password);
    return this.db.transaction(() => {
      if (this.row(input.userId)) throw new UserError('EXISTS', `user ${input.userId} already exists`);
      // The printed name is what a signature manifestation shows (§11.50): two people under one
      // name could not be told apart on a signed record.
      const key = printedNameKey(input.name);
      const same = this.db.prepare<[], { user_id: string; name: string }>('SELECT user_id, name FROM users').all().find((u) => printedNameKey(u.name) === key);
      if (same) throw new UserError('NAME_TAKEN', `name: "${input.name.trim()}" is already the printed name of ${same.user_id}; printed names are unique so that a signature names one person (add a middle initial or a credential)`);
      this.db
        .prepare('INSERT INTO users (user_id, name, role, password_hash, must_change_password, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(input.userId, input.name.trim(), input.role, hash, input.mustChange ? 1 : 0, this.now().toISOString());
      this.audit.record({ actor: input.actor, action: 'USER_CREATED', target: input.userId, details: { role: input.role, name: input.name.trim() } });
      return this.get(input.userId)!;
    }).immediate();
  }

  /**
   * Checks a password, counting failures toward lockout. Also used to re-authenticate a
   * signer (Part 11 §11.200), so a wrong password at signing counts too.
   */
  authenticate(userId: string, password: string, purpose: 'sign-in' | 'signature' = 'sign-in'): AuthResult {
    const row = this.row(userId);
    const now = this.now();
    if (!row) return this.failUnknown(userId, password, purpose, now);
    if (row.locked_until && row.locked_until > now.toISOString()) {
      this.audit.record({ actor: userId, action: 'SIGN_IN_REFUSED_LOCKED', target: userId, details: { locked_until: row.locked_until, purpose } });
      return { ok: false, code: 'LOCKED', message: this.lockedMessage(row.locked_until, false), lockedUntil: row.locked_until };
    }
    // A disabled account is named only to someone who knows its password; a wrong one is
    // counted and worded like any other, so "disabled" does not tell that the ID exists.
    if (row.disabled && verifyPassword(password, row.password_hash)) {
      this.audit.record({ actor: userId, action: 'SIGN_IN_FAILED', target: userId, details: { reason: 'disabled' } });
      return { ok: false, code: 'DISABLED', message: 'This account is disabled. Ask an administrator.' };
    }
    if (!row.disabled && verifyPassword(password, row.password_hash)) {
      this.db.prepare('UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE user_id = ?').run(userId);
      return { ok: true, user: toUser(row) };
    }
    return this.db.transaction((): AuthResult => {
      const failures = (row.locked_until && row.locked_until <= now.toISOString() ? 0 : row.failed_attempts) + 1;
      this.audit.record({
        actor: userId,
        action: purpose === 'sign-in' ? 'SIGN_IN_FAILED' : 'SIGNATURE_AUTH_FAILED',
        target: userId,
        details: { reason: 'wrong password', failures },
      });
      if (failures >= this.policy.maxFailures) {
        const until = new Date(now.getTime() + this.policy.lockMinutes * 60_000).toISOString();
        this.db.prepare('UPDATE users SET failed_attempts = 0, locked_until = ? WHERE user_id = ?').run(until, userId);
        this.audit.record({ actor: userId, action: 'LOCKOUT', target: userId, details: { until, failures } });
        return { ok: false, code: 'LOCKED', message: this.lockedMessage(until, true), lockedUntil: until };
      }
      this.db.prepare('UPDATE users SET failed_attempts = ? , locked_until = NULL WHERE user_id = ?').run(failures, userId);
      return { ok: false, code: 'BAD_CREDENTIALS', message: this.wrongMessage(this.policy.maxFailures - failures) };
    }).immediate();
  }

  /**
   * An administrator sets a new password for someone who lost theirs; like a new account's,
   * its owner must change it at the next sign-in, so nobody else knows the password they act with.
   */
  resetPassword(userId: string, password: string, actor: string): User {
    const weak = passwordProblem(password);
    if (weak) throw new UserError('WEAK_PASSWORD', weak);
    return this.db.transaction(() => {
      if (!this.row(userId)) throw new UserError('NOT_FOUND', `no user ${userId}`);
      this.db.prepare('UPDATE users SET password_hash = ?, must_change_password = 1, failed_attempts = 0, locked_until = NULL WHERE user_id = ?').run(hashPassword(password), userId);
      this.audit.record({ actor, action: 'PASSWORD_RESET', target: userId });
      return this.get(userId)!;
    }).immediate();
  }

  /**
   * An administrator disables an account (someone left) or enables it again. Nothing is deleted:
   * the records a user signed keep naming them, and their printed name stays taken.
   */
  setDisabled(userId: string, disabled: boolean, actor: string): User {
    if (userId === actor) throw new UserError('BAD_INPUT', 'you cannot disable your own account: ask another administrator');
    return this.db.transaction(() => {
      if (!this.row(userId)) throw new UserError('NOT_FOUND', `no user ${userId}`);
      this.db.prepare('UPDATE users SET disabled = ? WHERE user_id = ?').run(disabled ? 1 : 0, userId);
      this.audit.record({ actor, action: disabled ? 'USER_DISABLED' : 'USER_ENABLED', target: userId });
      return this.get(userId)!;
    }).immediate();
  }

  changePassword(userId: string, current: string, next: string): AuthResult {
    const auth = this.authenticate(userId, current);
    if (!auth.ok) return auth;
    const weak = passwordProblem(next);
    if (weak) throw new UserError('WEAK_PASSWORD', weak);
    if (next === current) throw new UserError('WEAK_PASSWORD', 'the new password must differ from the current one');
    this.db.transaction(() => {
      this.db.prepare('UPDATE users SET password_hash = ?, must_change_password = 0 WHERE user_id = ?').run(hashPassword(next), userId);
      reencryptSigningKeyOnPasswordChange(this.db, userId, current, next, this.now());
      this.audit.record({ actor: userId, action: 'PASSWORD_CHANGED', target: userId });
    }).immediate();
    return { ok: true, user: this.get(userId)! };
  }
}
