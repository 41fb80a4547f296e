/** The console's calls: same-origin fetches; the session is an HttpOnly cookie the page never sees. */
export interface ConsoleError {
  code: string;
  message: string;
  /** The form field the refusal is about, when the server names one. */
  field?: string;
}

export class ConsoleRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
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
  const json = (await res.json().catch(() => ({}))) as { error?: string; message?: string; field?: string };
  if (!res.ok) throw new ConsoleRequestError(json.error ?? 'INTERNAL', json.message ?? `The server answered ${res.status}.`, json.field);
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
  retired_at: string | null;
  /** What the workstation last reported with a push; null before its first report. */
  health: { outbox_depth: number; quarantine_open: number; suspect_open: number | null; pos_p99_ms: number | null; age_seconds: number } | null;
  alerts: Over[];
}
export type ThresholdKind = 'entries_behind' | 'hours_since_push' | 'hold_open_hours' | 'quarantine_open' | 'suspect_open';
export type Thresholds = Record<ThresholdKind, number | null>;
export interface Over {
  kind: ThresholdKind;
  value: number;
  threshold: number;
}
export interface Facility {
  facility_id: string;
  name: string;
  devices: Device[];
  thresholds: Thresholds;
  quarantine_open: number | null;
  suspect_open: number | null;
  holds_open: number;
  oldest_hold_hours: number | null;
  holds_over_threshold: number;
  alerts: Over[];
}
export const THRESHOLD_KINDS: ThresholdKind[] = ['entries_behind', 'hours_since_push', 'hold_open_hours', 'quarantine_open', 'suspect_open'];
export const THRESHOLD_LABELS: Record<ThresholdKind, string> = {
  entries_behind: 'Entries behind (not yet on the server)',
  hours_since_push: 'Hours since the last push',
  hold_open_hours: 'Hours a hold is open',
  quarantine_open: 'Quarantined items awaiting a decision',
  suspect_open: 'Open DSCSA suspect investigations',
};
export const THRESHOLD_SHORT: Record<ThresholdKind, string> = {
  entries_behind: 'behind',
  hours_since_push: 'h since push',
  hold_open_hours: 'h hold open',
  quarantine_open: 'in quarantine',
  suspect_open: 'suspect open',
};
export interface ConsoleUserRow {
  user_id: string;
  name: string;
  role: Role;
  disabled: boolean;
  must_change_password: boolean;
  locked_until: string | null;
  created_at: string | null;
  password_changed_at: string | null;
}
export interface EnrollmentCodeRow {
  code_id: string;
  facility_id: string;
  created_at: string | null;
  expires_at: string | null;
  used_at: string | null;
  used_by_device: string | null;
  created_by: string;
  status: 'unused' | 'used' | 'expired';
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
  /** Dosage units. */
  on_hand: number;
  entries: number;
  /** The dosage unit the synced entries name (tablets, mL); null when none names one or two name different ones. */
  unit: string | null;
}

export const ROLE_NAMES: Record<Role, string> = {
  administrator: 'Administrator',
  compliance_officer: 'Compliance officer',
  regional_manager: 'Regional manager',
};
