/** The console's calls: same-origin fetches; the session is an HttpOnly cookie the page never sees. */
export interface ConsoleError {
  code: string;
  message: string;
}

export class ConsoleRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/console/api/${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ConsoleRequestError('UNAVAILABLE', 'The central server cannot be reached. Check the connection and try again.');
  }
  const json = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
  if (!res.ok) throw new ConsoleRequestError(json.error ?? 'INTERNAL', json.message ?? `The server answered ${res.status}.`);
  return json as T;
}

export type Role = 'administrator' | 'compliance_officer' | 'regional_manager';
export interface User {
  user_id: string;
  name: string;
  role: Role;
}
export interface Device {
  device_id: string;
  facility_id: string;
  head_seq: number;
  last_push_at: string | null;
  last_seen_at: string | null;
  seconds_since_push: number | null;
  entries_behind: number;
  flagged: boolean;
  flag_reason: string | null;
}
export interface Facility {
  facility_id: string;
  name: string;
  devices: Device[];
}
export interface Hold {
  hold_id: unknown;
  device_id: string;
  facility_id: string;
  ndc: string | null;
  lot: string | null;
  event_time: string;
  actor?: string;
}
export interface StockRow {
  facility_id: string;
  ndc: string;
  lot: string;
  on_hand: number;
  entries: number;
}

export const ROLE_NAMES: Record<Role, string> = {
  administrator: 'Administrator',
  compliance_officer: 'Compliance officer',
  regional_manager: 'Regional manager',
};
