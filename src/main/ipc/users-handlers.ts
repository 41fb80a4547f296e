import { RxError } from '../../shared/errors/error-codes';
import type { usersChannels } from '../../shared/ipc/users-channels';
import { UserError, type User } from '../auth/users';
import type { Handler } from './dispatch';

const view = (u: User) => ({ user_id: u.user_id, name: u.name, role: u.role, disabled: u.disabled, must_change_password: u.must_change_password });

/** A refusal that names its field ("userId: …"), so the screen puts it beside that field. */
function refusal(err: unknown): never {
  if (!(err instanceof UserError)) throw err;
  const field =
    err.code === 'EXISTS' || /user ID/.test(err.message) ? 'userId' : err.code === 'NAME_TAKEN' || /full name/.test(err.message) ? 'name' : err.code === 'WEAK_PASSWORD' ? 'password' : null;
  const code = err.code === 'WEAK_PASSWORD' ? 'WEAK_PASSWORD' : err.code === 'NOT_FOUND' ? 'NOT_FOUND' : err.code === 'EXISTS' || err.code === 'NAME_TAKEN' ? 'CONFLICT' : 'BAD_INPUT';
  const text = field && !err.message.startsWith(`${field}:`) ? `${field}: ${err.message}` : err.message;
  throw new RxError(code, `${text}. Nothing was changed.`);
}

export const usersHandlers: { [C in keyof typeof usersChannels]: Handler<C> } = {
  'users.list': (_i, { ws }) => ({ users: ws.users.list().map(view) }),
  'users.add': (input, { ws, session }) => {
    try {
      return view(ws.users.create({ userId: input.userId, name: input.name, role: input.role, password: input.password, mustChange: true, actor: session!.user.user_id }));
    } catch (err) {
      refusal(err);
    }
  },
  'users.resetPassword': (input, { ws, session }) => {
    try {
      return view(ws.users.resetPassword(input.userId, input.password, session!.user.user_id));
    } catch (err) {
      refusal(err);
    }
  },
  'users.setDisabled': (input, { ws, session }) => {
    try {
      return view(ws.users.setDisabled(input.userId, input.disabled, session!.user.user_id));
    } catch (err) {
      refusal(err);
    }
  },
};
