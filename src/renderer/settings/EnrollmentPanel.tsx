import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { ChannelOutput } from '../../shared/ipc/contract';
import { invoke } from '../api/client';
import { formatLocalDateTime } from '../format/time';
import { asRxError } from '../state/session-store';
import { FieldError, focusProblemField, invalidProps } from '../ui/FieldError';
import { fieldProblems } from '../ui/field-problems';

const FIELDS = ['serverUrl', 'code'] as const;
type Field = (typeof FIELDS)[number];
type Enrollment = ChannelOutput<'settings.enrollment'>;

const STATE_LABEL: Record<Enrollment['syncState'], string> = {
  'not-enrolled': 'not enrolled',
  online: 'online',
  offline: 'offline (entries wait in the outbox)',
  'auth-refused': 'refused by the server',
  syncing: 'syncing',
};

/**
 * Enrollment with the central server, as `rxledger enroll` does it (the same code path): the
 * address and the one-time code the central office gave. Shows what this workstation is
 * enrolled to and when it last synced. A manager or administrator enrolls; anyone sees the state.
 */
export function EnrollmentPanel({ mayEnroll, onEnrolled }: { mayEnroll: boolean; onEnrolled?: () => void }) {
  const [state, setState] = useState<Enrollment | null>(null);
  const [form, setForm] = useState({ serverUrl: '', code: '' });
  const [problem, setProblem] = useState<{ byField: Partial<Record<Field, string>>; other: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const refs = { serverUrl: useRef<HTMLInputElement>(null), code: useRef<HTMLInputElement>(null) };

  // Bumped by an enrollment: a poll sent before it and answered after it is stale (it would show
  // "not enrolled" again for up to 5 s) and is dropped.
  const generation = useRef(0);
  const load = useCallback(async () => {
    const asked = generation.current;
    try {
      const st = await invoke('settings.enrollment', {});
      if (asked === generation.current) setState(st);
    } catch (err) {
      if (asked === generation.current) setProblem({ byField: {}, other: asRxError(err).message });
    }
  }, []);
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 5_000);
    return () => clearInterval(t);
  }, [load]);

  async function enroll(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    setDone(false);
    setBusy(true);
    try {
      generation.current++;
      const enrolled = await invoke('settings.enroll', form);
      generation.current++;
      setState(enrolled);
      setForm({ serverUrl: '', code: '' });
      setDone(true);
      onEnrolled?.();
    } catch (err) {
      const p = fieldProblems(asRxError(err).message, FIELDS);
      setProblem(p);
      const first = p.first;
      // After the problem is on screen, so the scroll takes its height into account.
      if (first) requestAnimationFrame(() => focusProblemField(refs[first].current));
    } finally {
      setBusy(false);
    }
  }

  const at = (f: Field) => problem?.byField[f] ?? null;
  const input = (f: Field, label: string, placeholder: string) => (
    <div className="field">
      <label className="field-label" htmlFor={`enroll-${f}`}>
        {label}
      </label>
      <input
        id={`enroll-${f}`}
        ref={refs[f]}
        autoComplete="off"
        spellCheck={false}
        value={form[f]}
        placeholder={placeholder}
        // Read-only rather than disabled while enrolling: a disabled field cannot take the focus its refusal gives it.
        readOnly={busy}
        onChange={(e) => setForm((x) => ({ ...x, [f]: e.target.value }))}
        data-testid={`enroll-${f}`}
        {...invalidProps(`enroll-${f}`, at(f))}
      />
      <FieldError fieldId={`enroll-${f}`} problem={at(f)} testId={`enroll-${f}-problem`} />
    </div>
  );

  return (
    <div data-testid="enrollment-panel">
      <h2>Central server</h2>
      {state ? (
        <dl className="facts" data-testid="enrollment-state" data-state={state.syncState}>
          <dt>Enrolled with</dt>
          <dd>{state.serverUrl ?? 'not enrolled'}</dd>
          {state.enrolledAt ? (
            <>
              <dt>Enrolled</dt>
              <dd>{formatLocalDateTime(state.enrolledAt)}</dd>
            </>
          ) : null}
          <dt>Device</dt>
          <dd className="mono">{state.deviceId}</dd>
          <dt>Sync</dt>
          <dd>
            {STATE_LABEL[state.syncState]}
            {state.message && state.syncState !== 'not-enrolled' ? ` — ${state.message}` : ''}
          </dd>
          <dt>Last sync</dt>
          <dd data-testid="enrollment-last-sync">{state.lastSyncAt ? formatLocalDateTime(state.lastSyncAt) : 'never'}</dd>
          <dt>Waiting to be sent</dt>
          <dd>{state.outboxDepth} entries</dd>
        </dl>
      ) : null}
      {mayEnroll ? (
        <form onSubmit={(e) => void enroll(e)} aria-label="Enroll with the central server">
          <h3>{state?.serverUrl ? 'Enroll again' : 'Enroll this workstation'}</h3>
          {input('serverUrl', 'Central server address', 'https://central.example:8443')}
          {input('code', 'Enrollment code from the central office (rxledger server enrollment-code)', 'XXXXXXXX-XXXXXXXXXXXXXXXXXXXXXXXX')}
          {problem?.other ? (
            <p className="field-problem" role="alert" data-testid="enroll-problem">
              {problem.other}
            </p>
          ) : null}
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="enroll-submit">
            {busy ? 'Enrolling…' : 'Enroll'}
          </button>
          {done ? (
            <p className="muted" role="status" data-testid="enroll-done">
              Enrolled; the registrant now comes from the central server. Recorded in the audit trail.
            </p>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}
