import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { can } from '../../shared/domain/roles';
import type { ChannelOutput, RxError } from '../../shared/ipc/contract';
import { invoke } from '../api/client';
import { asRxError } from '../state/session-store';
import { useSession } from '../state/stores';
import { ErrorBanner } from '../ui/ErrorBanner';
import { FieldError, focusProblemField, invalidProps } from '../ui/FieldError';
import { parseWholeNumberInRange } from '../ui/number-field';
import { UsersPanel } from './UsersPanel';
import { PartnersPanel } from './PartnersPanel';
import { RegistrantPanel } from './RegistrantPanel';
import { EnrollmentPanel } from './EnrollmentPanel';
import { CatalogImportPanel } from './CatalogImportPanel';

type Scanners = ChannelOutput<'receiving.scanners'>;
type Settings = ChannelOutput<'settings.get'>;
type PosConnection = ChannelOutput<'settings.posConnection'>;

const STATE_LABEL: Record<string, string> = {
  claimed: 'ready',
  connected: 'connected',
  error: 'needs attention',
  disconnected: 'unplugged',
};

/**
 * This workstation, its scanners and the idle logoff, and its set-up without a terminal: users,
 * trading partners, the DEA registrant, the drug catalog and enrollment with the central server.
 */
export function SettingsScreen() {
  const role = useSession((s) => s.session?.role);
  const mayManage = role ? can(role, 'users.manage') : false;
  const mayConfigurePos = role ? can(role, 'facility.manage') : false;
  const [pos, setPos] = useState<PosConnection | null>(null);
  const [scanners, setScanners] = useState<Scanners | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [idleMinutes, setIdleMinutes] = useState('');
  const [error, setError] = useState<RxError | null>(null);
  const [busy, setBusy] = useState(false);
  const [idleProblem, setIdleProblem] = useState<string | null>(null);
  const [idleSaved, setIdleSaved] = useState(false);
  const idleRef = useRef<HTMLInputElement>(null);
  const idleFilled = useRef(false);
  // Enrolling brings the central server's registrant: the registrant form is read again, so a
  // Save afterwards does not put back what was there before.
  const [enrollments, setEnrollments] = useState(0);

  const load = useCallback(async () => {
    try {
      const [sc, st] = await Promise.all([invoke('receiving.scanners', {}), invoke('settings.get', {})]);
      setScanners(sc);
      setSettings(st);
      // Filled once, from the first answer: the 5-s poll must not put the stored value back into
      // a field the administrator has just emptied to type a new one.
      if (!idleFilled.current) {
        idleFilled.current = true;
        setIdleMinutes((m) => m || String(Math.round(st.idleTimeoutSeconds / 60)));
      }
      setError(null);
    } catch (err) {
      setError(asRxError(err));
    }
  }, []);

  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 5_000);
    return () => clearInterval(t);
  }, [load]);

  async function rescan() {
    setBusy(true);
    try {
      await invoke('settings.rescanScanners', {});
      await load();
    } catch (err) {
      setError(asRxError(err));
    } finally {
      setBusy(false);
    }
  }

  async function showPos() {
    try {
      setPos(await invoke('settings.posConnection', {}));
    } catch (err) {
      setError(asRxError(err));
    }
  }

  async function saveIdle(e: FormEvent) {
    e.preventDefault();
    setIdleSaved(false);
    const parsed = parseWholeNumberInRange(idleMinutes, 'minutes', 1, 60);
    if (!parsed.ok) {
      setIdleProblem(parsed.problem);
      // After the problem is on screen, so the scroll takes its height into account.
      requestAnimationFrame(() => focusProblemField(idleRef.current));
      return;
    }
    setIdleProblem(null);
    try {
      await invoke('settings.setIdleTimeout', { seconds: parsed.value * 60 });
      await load();
      setIdleSaved(true);
    } catch (err) {
      // The workstation's refusal belongs to this field too: said beside it, not at the top.
      setIdleProblem(asRxError(err).message);
      // After the problem is on screen, so the scroll takes its height into account.
      requestAnimationFrame(() => focusProblemField(idleRef.current));
    }
  }

  return (
    <section className="panel" aria-labelledby="settings-title">
      <div className="panel-head">
        <h1 id="settings-title">Settings</h1>
      </div>
      <ErrorBanner error={error} testId="settings-error" />

      <h2>Scanners</h2>
      {scanners ? (
        <>
          <p className={`banner ${scanners.usbAvailable ? 'banner-ok' : 'banner-info'}`} data-testid="settings-usb" data-available={scanners.usbAvailable}>
            {scanners.usbAvailable
              ? `USB access available: ${scanners.scanners.length} scanner${scanners.scanners.length === 1 ? '' : 's'} found.`
              : (scanners.message ?? 'No USB access.')}
          </p>
          {scanners.scanners.length ? (
            <table className="ledger-table" data-testid="settings-scanners">
              <thead>
                <tr>
                  <th>Scanner</th>
                  <th>State</th>
                  <th>Problem</th>
                </tr>
              </thead>
              <tbody>
                {scanners.scanners.map((s) => (
                  <tr key={s.id} data-testid="scanner-row" data-state={s.state}>
                    <td>{s.name || s.id}</td>
                    <td>{STATE_LABEL[s.state] ?? s.state}</td>
                    <td>{s.error ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">Scanners left in keyboard mode type into the Receiving and Counts screens and are not listed here.</p>
          )}
          <button type="button" className="btn" onClick={() => void rescan()} disabled={busy} data-testid="settings-rescan">
            {busy ? 'Looking…' : 'Look for scanners again'}
          </button>
        </>
      ) : null}

      <h2>This workstation</h2>
      {settings ? (
        <dl className="facts" data-testid="settings-workstation">
          <dt>Facility</dt>
          <dd>
            {settings.facilityId}
            {settings.facilityName ? ` — ${settings.facilityName}` : ''}
          </dd>
          <dt>Address</dt>
          <dd>{settings.facilityAddress ?? `not set (${mayConfigurePos ? 'DEA registrant, below' : 'a manager sets it in Settings'})`}</dd>
          <dt>DEA number</dt>
          <dd>{settings.deaNumber ?? `not set (${mayConfigurePos ? 'DEA registrant, below' : 'a manager sets it in Settings'})`}</dd>
          <dt>Device</dt>
          <dd>{settings.deviceId}</dd>
          <dt>Central server</dt>
          <dd>{settings.syncServer ?? 'not enrolled (Central server, below)'}</dd>
        </dl>
      ) : null}

      {mayConfigurePos ? (
        <>
          <h2>Pharmacy system (POS API)</h2>
          {pos ? (
            <dl className="facts" data-testid="settings-pos">
              <dt>Address</dt>
              <dd>{pos.baseUrl}</dd>
              <dt>Bearer token</dt>
              <dd>
                <code>{pos.token}</code>
              </dd>
            </dl>
          ) : (
            <button type="button" className="btn" onClick={() => void showPos()} data-testid="settings-pos-show">
              Show the POS connection (recorded in the audit trail)
            </button>
          )}
        </>
      ) : null}


      <h2>Automatic logoff</h2>
      <form onSubmit={(e) => void saveIdle(e)} aria-label="Automatic logoff">
        <div className="field">
          <label className="field-label" htmlFor="settings-idle">
            Sign off after this many idle minutes (1 to 60)
          </label>
          <input
            id="settings-idle"
            ref={idleRef}
            inputMode="numeric"
            value={idleMinutes}
            disabled={!mayManage}
            onChange={(e) => {
              setIdleMinutes(e.target.value);
              setIdleSaved(false);
            }}
            data-testid="settings-idle"
            {...invalidProps('settings-idle', idleProblem)}
          />
          <FieldError fieldId="settings-idle" problem={idleProblem} testId="settings-idle-problem" />
          {idleSaved ? (
            <p className="muted" role="status" data-testid="settings-idle-saved">
              Saved: sessions sign off after {idleMinutes.trim()} idle minutes.
            </p>
          ) : null}
        </div>
        {mayManage ? (
          <button type="submit" className="btn btn-primary" data-testid="settings-idle-save">
            Save
          </button>
        ) : (
          <p className="muted">Only an administrator changes this.</p>
        )}
      </form>

      {mayManage ? <UsersPanel /> : null}
      {mayConfigurePos ? <PartnersPanel /> : null}
      {/* Set-up that `rxledger facility set`, `catalog import` and `enroll` do at a terminal. */}
      {mayConfigurePos ? <RegistrantPanel key={enrollments} onSaved={() => void load()} /> : null}
      {mayConfigurePos ? <CatalogImportPanel /> : null}
      <EnrollmentPanel
        mayEnroll={mayConfigurePos}
        onEnrolled={() => {
          setEnrollments((n) => n + 1);
          void load();
        }}
      />
    </section>
  );
}
