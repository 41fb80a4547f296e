import { can, type Permission } from '../shared/domain/roles';
import type { User } from '../main/auth/users';
import type { Workstation } from '../main/workstation';
import { CliError, type CliIO } from './io';
import { readPasswordLines } from './password-input';

/** A user ID and the passwords read for a command: the acting user's first, then any others. */
export interface Credentials {
  userId: string;
  password: string;
  /** Passwords on the following lines (a new user's, a co-signer's), in the order asked. */
  more: string[];
}

export interface CredentialRequest {
  /** The flag that names the acting user: `--as` on commands that act for someone, `--user` where it names the signer. */
  flag: '--as' | '--user';
  /** What the command does, for messages: "catalog import", "report". */
  doing: string;
  /** Prompts for the passwords after the acting user's, in the order they are read. */
  more?: string[];
  /** Commands that have always asked for `--password-stdin` keep asking for it when stdin is not a terminal. */
  passwordStdin?: boolean | undefined;
}

/**
 * Reads the acting user's password before anything is opened (stdin can be read once): the
 * first line of standard input, the other passwords on the lines after. Part 11 §11.10(d),
 * §11.300: without a proven user nothing is written, so there is no anonymous or OS-account actor.
 */
export async function readCredentials(io: CliIO, userId: string | undefined, req: CredentialRequest): Promise<Credentials> {
  if (!userId) {
    throw new CliError(
      `${req.doing} needs ${req.flag} USER: it is recorded with the person who did it, proved by their password (the first line of standard input). Nothing was written.`,
    );
  }
  if (req.passwordStdin === false && !io.stdin.isTTY) throw new CliError('give the password on standard input with --password-stdin');
  const [password, ...more] = await readPasswordLines(io, [`Password for ${userId}: `, ...(req.more ?? [])], `${userId}'s password first${req.more?.length ? ', then the others' : ''}`);
  return { userId, password: password!, more };
}

export interface ActorCheck {
  permission: Permission;
  /** The act, for the refusal: "export reports". */
  act: string;
  /** What was not done when refused ("Nothing was exported."). */
  nothing?: string;
  /** A signature re-authenticates (§11.200); counted toward lockout like a sign-in. */
  purpose?: 'sign-in' | 'signature';
}

/**
 * The workstation's own sign-in check (same lockout, failures audited), then the rules a
 * sign-in screen applies: an account whose password someone else set acts only after its
 * owner changed it, and the role must allow the act.
 */
export function authenticateActor(ws: Workstation, creds: Credentials, check: ActorCheck): User {
  const nothing = check.nothing ?? 'Nothing was written.';
  const auth = ws.users.authenticate(creds.userId, creds.password, check.purpose ?? 'sign-in');
  if (!auth.ok) throw new CliError(`${auth.code}: ${auth.message} ${nothing}`, 4);
  refuseUntilPasswordChanged(auth.user, nothing);
  if (!can(auth.user.role, check.permission)) {
    throw new CliError(`FORBIDDEN: a ${auth.user.role} may not ${check.act} (${check.permission}; ${auth.user.user_id} is a ${auth.user.role}). ${nothing}`, 4);
  }
  return auth.user;
}

/** For commands whose signing code authenticates the signer itself: refuse a password someone else set. */
export function refuseUntilPasswordChanged(user: Pick<User, 'user_id' | 'must_change_password'> | null, nothing = 'Nothing was written.'): void {
  if (!user?.must_change_password) return;
  throw new CliError(
    `PASSWORD_CHANGE_REQUIRED: the password of ${user.user_id} was set by someone else and must be changed first: ` +
      `rxledger passwd --user ${user.user_id} --password-stdin (the current and the new password on two lines). ${nothing}`,
    4,
  );
}
