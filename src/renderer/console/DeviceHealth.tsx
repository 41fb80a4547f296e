import { THRESHOLD_SHORT, type Device, type Facility, type Over } from './api';

const overText = (o: Over) => `${o.value} ${THRESHOLD_SHORT[o.kind]} (over ${o.threshold})`;
const overOf = (d: Device, kind: Over['kind']) => d.alerts.find((a) => a.kind === kind);

export function DeviceHealthHeads() {
  return (
    <>
      <th scope="col" className="num" title="Quarantined items awaiting a decision, as the workstation last reported">
        Quarantine
      </th>
      <th scope="col" className="num" title="Open DSCSA suspect investigations, as the workstation last reported">
        Suspect
      </th>
    </>
  );
}

/** A count as last reported, marked when it is over its threshold; "—" before any report. */
function Count({ value, over, age, testId }: { value: number | null | undefined; over: Over | undefined; age: number | undefined; testId: string }) {
  const reported = age === undefined ? 'not reported yet' : `as reported with the push ${age < 120 ? `${age} s` : age < 7200 ? `${Math.round(age / 60)} min` : `${Math.round(age / 3600)} h`} ago`;
  return (
    <td className={`num${over ? ' console-over-cell' : ''}`} data-testid={testId} data-over={over ? 'true' : 'false'} title={over ? `${overText(over)}, ${reported}` : reported}>
      {value === null || value === undefined ? '—' : value}
    </td>
  );
}

/** The quarantine and DSCSA suspect counts a workstation sent with its last push. */
export function DeviceHealthCells({ device: d }: { device: Device }) {
  return (
    <>
      <Count value={d.health?.quarantine_open} over={overOf(d, 'quarantine_open')} age={d.health?.age_seconds} testId={`console-quarantine-${d.device_id}`} />
      <Count value={d.health?.suspect_open} over={overOf(d, 'suspect_open')} age={d.health?.age_seconds} testId={`console-suspect-${d.device_id}`} />
    </>
  );
}

/** A facility's line: its totals, and what is over an alert threshold (its devices' and its holds'). */
export function FacilityAlerts({ facility: f }: { facility: Facility }) {
  const overs = [...f.alerts.map((a) => `holds open longer than ${a.threshold} h: ${f.holds_over_threshold} (oldest ${a.value} h)`)];
  for (const d of f.devices) for (const a of d.alerts) overs.push(`${d.device_id}: ${overText(a)}`);
  return (
    <div className="console-facility-line" data-testid={`console-facility-alerts-${f.facility_id}`} data-over={overs.length > 0 ? 'true' : 'false'}>
      <span>
        Quarantine {f.quarantine_open ?? '—'} · DSCSA suspect open {f.suspect_open ?? '—'} · holds open {f.holds_open}
      </span>
      {overs.length > 0 ? (
        <ul className="console-alerts" aria-label="Over an alert threshold">
          {overs.map((o) => (
            <li key={o}>Over threshold: {o}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
