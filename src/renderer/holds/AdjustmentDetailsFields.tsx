import { useState } from 'react';
import { DESTRUCTION_KINDS, LOSS_TYPE_LABELS, LOSS_TYPES, TRANSFER_KINDS, type AdjustmentDetails, type AdjustmentKind, type ReasonCode } from '../../shared/counts';

/** The typed-in details as strings; turned into AdjustmentDetails only at signing. */
export interface DetailsDraft {
  method: string;
  place: string;
  cpName: string;
  cpAddress: string;
  cpDea: string;
  ofKind: '' | '222' | 'CSOS';
  ofNumber: string;
  ofLine: string;
  lossType: string;
  policeReport: string;
  lossValue: string;
  corrective: string;
  lossOther: string;
}

export const EMPTY_DETAILS: DetailsDraft = { method: '', place: '', cpName: '', cpAddress: '', cpDea: '', ofKind: '', ofNumber: '', ofLine: '', lossType: '', policeReport: '', lossValue: '', corrective: '', lossOther: '' };

/** Which groups of fields the kind and reason call for (the server checks the same, adjustment-details.ts). */
export function detailGroups(kind: AdjustmentKind | null, reason: ReasonCode) {
  return {
    destruction: kind !== null && DESTRUCTION_KINDS.has(kind),
    counterparty: kind !== null && TRANSFER_KINDS.has(kind),
    loss: reason === 'theft_or_loss' || kind === 'theft_or_loss',
  };
}

/**
 * What the signing request carries. Fields left empty are sent empty rather than dropped, so the
 * workstation's refusal names the missing field instead of a generic "details missing".
 */
export function detailsOf(d: DetailsDraft, kind: AdjustmentKind | null, reason: ReasonCode): AdjustmentDetails {
  const g = detailGroups(kind, reason);
  const out: AdjustmentDetails = {};
  if (g.destruction) out.destruction = { method: d.method, place: d.place };
  if (g.counterparty) {
    out.counterparty = { name: d.cpName, address: d.cpAddress, dea_number: d.cpDea };
    if (d.ofKind && d.ofNumber.trim()) out.order_form = { kind: d.ofKind, number: d.ofNumber.trim(), ...(/^\d+$/.test(d.ofLine.trim()) ? { line: Number(d.ofLine.trim()) } : {}) };
  }
  if (g.loss && d.lossType) {
    const dollars = d.lossValue.trim().replace(/^\$/, '');
    out.loss = {
      type: d.lossType as (typeof LOSS_TYPES)[number],
      police_report: d.policeReport.trim() || null,
      value_cents: /^\d+(\.\d{1,2})?$/.test(dollars) ? Math.round(Number(dollars) * 100) : null,
      corrective_action: d.corrective.trim() || null,
      other_description: d.lossOther.trim() || null,
    };
  }
  return out;
}

export function useDetailsDraft() {
  const [draft, setDraft] = useState<DetailsDraft>(EMPTY_DETAILS);
  const set = (k: keyof DetailsDraft) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));
  return { draft, set, reset: () => setDraft(EMPTY_DETAILS) };
}

function Text({ label, value, onChange, testId, required }: { label: string; value: string; onChange: (e: { target: { value: string } }) => void; testId: string; required?: boolean }) {
  return (
    <label className="field">
      <span className="field-label">
        {label}
        {required ? ' (required)' : ''}
      </span>
      <input data-testid={testId} value={value} onChange={onChange} autoComplete="off" />
    </label>
  );
}

/** The fields a destruction, a return or transfer, or a theft or loss must record. */
export function AdjustmentDetailsFields({ kind, reason, draft, set, prefix, cii }: { kind: AdjustmentKind | null; reason: ReasonCode; draft: DetailsDraft; set: (k: keyof DetailsDraft) => (e: { target: { value: string } }) => void; prefix: string; cii: boolean }) {
  const g = detailGroups(kind, reason);
  return (
    <>
      {g.destruction ? (
        <fieldset className="details-group" data-testid={`${prefix}-destruction`}>
          <legend>Destruction (DEA Form 41) — two employees sign: the one who destroys and a witness</legend>
          <Text label="Method (e.g. denaturing kit)" value={draft.method} onChange={set('method')} testId={`${prefix}-method`} required />
          <Text label="Place" value={draft.place} onChange={set('place')} testId={`${prefix}-place`} required />
        </fieldset>
      ) : null}
      {g.counterparty ? (
        <fieldset className="details-group" data-testid={`${prefix}-counterparty`}>
          <legend>Who it goes to</legend>
          <Text label="Name" value={draft.cpName} onChange={set('cpName')} testId={`${prefix}-cp-name`} required />
          <Text label="Address" value={draft.cpAddress} onChange={set('cpAddress')} testId={`${prefix}-cp-address`} required />
          <Text label="DEA number" value={draft.cpDea} onChange={set('cpDea')} testId={`${prefix}-cp-dea`} required />
          <label className="field">
            <span className="field-label">Their order form{cii ? ' (required for CII)' : ''}</span>
            <select data-testid={`${prefix}-of-kind`} value={draft.ofKind} onChange={set('ofKind')}>
              <option value="">None</option>
              <option value="222">DEA Form 222</option>
              <option value="CSOS">CSOS (electronic 222)</option>
            </select>
          </label>
          <Text label="Order form number" value={draft.ofNumber} onChange={set('ofNumber')} testId={`${prefix}-of-number`} />
          <Text label="Line" value={draft.ofLine} onChange={set('ofLine')} testId={`${prefix}-of-line`} />
        </fieldset>
      ) : null}
      {g.loss ? (
        <fieldset className="details-group" data-testid={`${prefix}-loss`}>
          <legend>Theft or loss (DEA Form 106)</legend>
          <label className="field">
            <span className="field-label">Type of loss (required)</span>
            <select data-testid={`${prefix}-loss-type`} value={draft.lossType} onChange={set('lossType')}>
              <option value="">Choose…</option>
              {LOSS_TYPES.map((t) => (
                <option key={t} value={t}>
                  {LOSS_TYPE_LABELS[t]}
                </option>
              ))}
            </select>
          </label>
          {draft.lossType === 'other' ? <Text label="Describe the loss" value={draft.lossOther} onChange={set('lossOther')} testId={`${prefix}-loss-other`} /> : null}
          <Text label="Police report number" value={draft.policeReport} onChange={set('policeReport')} testId={`${prefix}-police-report`} />
          <Text label="Cost of what was lost ($)" value={draft.lossValue} onChange={set('lossValue')} testId={`${prefix}-loss-value`} />
          <Text label="Corrective action taken" value={draft.corrective} onChange={set('corrective')} testId={`${prefix}-corrective`} />
        </fieldset>
      ) : null}
    </>
  );
}
