import { afterEach, describe, expect, it } from 'vitest';
import { tempWorkstation } from '../../testing/temp-workstation';
import { SessionManager } from './sessions';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup(withUser = true) {
  let now = new Date('2026-11-26T09:00:00Z').getTime();
  const clock = { now: () => new Date(now) };
  const t = tempWorkstation({ clock, idleSeconds: 600 });
  cleanups.push(t.cleanup);
  if (withUser) t.ws.users.create({ userId: 'pat', name: 'Pat Pharmacist', role: 'pharmacist', password: 'a-long-password-1', actor: 'test' });
  return { ...t, advance: (ms: number) => (now += ms) };
}

/** The refusal's words; a success has none. */
const said = (r: ReturnType<ReturnType<typeof setup>['ws']['users']['authenticate']>) => (r.ok ? '' : r.message);

const actions = (ws: ReturnType<typeof setup>['ws']) => ws.audit.list().map((r) => r.action).reverse();

describe('sign-in', () => {
  it('stores only a scrypt hash of the password', () => {
    const { ws } = setup();
    const row = ws.db.prepare("SELECT password_hash FROM users WHERE user_id = 'pat'").get() as { password_hash: string };
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain('a-long-password-1');
  });

  it('locks the account for 15 minutes after 5 failed attempts, and says so', () => {
    const { ws, advance } = setup();
    for (let i = 0; i < 4; i++) expect(ws.users.authenticate('pat', 'wrong')).toMatchObject({ ok: false, code: 'BAD_CREDENTIALS' });
    const fifth = ws.users.authenticate('pat', 'wrong');
    expect(fifth).toMatchObject({ ok: false, code: 'LOCKED' });
    // Even the right password is refused while locked.
    expect(ws.users.authenticate('pat', 'a-long-password-1')).toMatchObject({ ok: false, code: 'LOCKED' });
    advance(14 * 60_000);
    expect(ws.users.authenticate('pat', 'a-long-password-1')).toMatchObject({ ok: false, code: 'LOCKED' });
    advance(61_000);
    expect(ws.users.authenticate('pat', 'a-long-password-1')).toMatchObject({ ok: true });
    expect(actions(ws)).toEqual([
      'USER_CREATED',
      'SIGN_IN_FAILED',
      'SIGN_IN_FAILED',
      'SIGN_IN_FAILED',
      'SIGN_IN_FAILED',
      'SIGN_IN_FAILED',
      'LOCKOUT',
      'SIGN_IN_REFUSED_LOCKED',
      'SIGN_IN_REFUSED_LOCKED',
    ]);
  });

  it('tells how many attempts are left', () => {
    const { ws } = setup();
    expect(ws.users.authenticate('pat', 'nope')).toMatchObject({ message: expect.stringMatching(/4 attempts left/) });
  });

  it('answers an unknown user ID in the same words, counts and lockout as a known one', () => {
    const { ws } = setup();
    const known: string[] = [];
    const unknown: string[] = [];
    for (let i = 0; i < 6; i++) {
      known.push(said(ws.users.authenticate('pat', 'wrong')));
      unknown.push(said(ws.users.authenticate('nobody', 'wrong')));
    }
    expect(unknown).toEqual(known);
    expect(known[0]).toMatch(/4 attempts left/);
    expect(known[5]).toMatch(/locked/);
  });

  it('names a disabled account only to someone who knows its password', () => {
    const { ws } = setup();
    ws.db.prepare("UPDATE users SET disabled = 1 WHERE user_id = 'pat'").run();
    expect(ws.users.authenticate('pat', 'wrong')).toMatchObject({ code: 'BAD_CREDENTIALS', message: expect.stringMatching(/4 attempts left/) });
    expect(ws.users.authenticate('pat', 'a-long-password-1')).toMatchObject({ code: 'DISABLED' });
  });

  it('says until when an account is locked in the facility time zone, not in UTC', () => {
    const { ws } = setup();
    ws.setSetting('time_zone', 'America/New_York');
    for (let i = 0; i < 4; i++) ws.users.authenticate('pat', 'wrong');
    // 09:00Z + 15 min is 04:15 in New York in November.
    expect(said(ws.users.authenticate('pat', 'wrong'))).toBe('Too many failed attempts: account locked for 15 minutes, until 2026-11-26 04:15 (America/New_York).');
    expect(said(ws.users.authenticate('pat', 'a-long-password-1'))).toContain('until 2026-11-26 04:15 (America/New_York)');
    expect(said(ws.users.authenticate('pat', 'a-long-password-1'))).not.toMatch(/T\d\d:/);
  });

  it('creates the first administrator with a one-time password that must be changed', () => {
    const { ws } = setup(false);
    const { oneTimePassword } = ws.createFirstAdmin(null);
    expect(oneTimePassword).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
    const res = ws.users.authenticate('admin', oneTimePassword!);
    expect(res).toMatchObject({ ok: true, user: { must_change_password: true } });
    expect(() => ws.users.changePassword('admin', oneTimePassword!, 'short')).toThrow(/at least 10/);
    expect(ws.users.changePassword('admin', oneTimePassword!, 'new-admin-password')).toMatchObject({ ok: true, user: { must_change_password: false } });
  });
});

describe('sessions', () => {
  it('log off after the idle time and write the logoff to the audit trail', () => {
    const { ws, advance } = setup();
    const user = ws.users.get('pat')!;
    const s = ws.sessions.start(user);
    advance(9 * 60_000);
    ws.sessions.touch(s.id);
    advance(9 * 60_000);
    expect(ws.sessions.get(s.id).session).not.toBeNull();
    advance(60_001);
    expect(ws.sessions.get(s.id)).toEqual({ session: null, endedBecause: 'idle' });
    expect(actions(ws).slice(-2)).toEqual(['SIGN_IN', 'LOGOFF_IDLE']);
  });

  it('honour a configured idle time', () => {
    const { ws } = setup();
    let t = 0;
    const sm = new SessionManager(ws.audit, 2 * 60_000, () => t);
    const s = sm.start(ws.users.get('pat')!);
    t = 119_000;
    expect(sm.get(s.id).session).not.toBeNull();
    t = 121_000;
    expect(sm.get(s.id).endedBecause).toBe('idle');
  });
});

describe('audit trail', () => {
  it('refuses edits and detects a forged row', () => {
    const { ws } = setup();
    ws.users.authenticate('pat', 'bad');
    expect(() => ws.db.prepare("UPDATE audit_log SET actor = 'x'").run()).toThrow(/append-only/);
    expect(ws.audit.verify().ok).toBe(true);
    ws.db.exec('DROP TRIGGER audit_log_no_update');
    ws.db.prepare("UPDATE audit_log SET actor = 'someone-else' WHERE id = 2").run();
    expect(ws.audit.verify()).toMatchObject({ ok: false, firstBadId: 2 });
  });
});

describe('an administrator disables an account', () => {
  it('a disabled user cannot sign in, is enabled again, and nobody disables their own account; each change is audited', () => {
    const { ws } = setup();
    ws.users.create({ userId: 'rita', name: 'Rita Lee', role: 'pharmacist', password: 'pharmacist-pass-1', mustChange: false, actor: 'boss' });
    ws.users.setDisabled('rita', true, 'boss');
    expect(ws.users.authenticate('rita', 'pharmacist-pass-1')).toMatchObject({ ok: false, code: 'DISABLED' });
    ws.users.setDisabled('rita', false, 'boss');
    expect(ws.users.authenticate('rita', 'pharmacist-pass-1').ok).toBe(true);
    expect(() => ws.users.setDisabled('rita', true, 'rita')).toThrow(/cannot disable your own account/);
    expect(() => ws.users.setDisabled('nobody', true, 'boss')).toThrow(/no user nobody/);
    expect(ws.audit.list().reverse().filter((a) => a.action === 'USER_DISABLED' || a.action === 'USER_ENABLED').map((a) => [a.action, a.actor, a.target])).toEqual([
      ['USER_DISABLED', 'boss', 'rita'],
      ['USER_ENABLED', 'boss', 'rita'],
    ]);
  });
});
