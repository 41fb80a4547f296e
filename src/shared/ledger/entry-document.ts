import { REASON_LABELS, type ReasonCode } from '../counts';
import type { EntryBody } from '../schemas/ledger-entry';
import { formatChange, formatUnits } from '../units/unit-names';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * What document and reason stand behind an entry, in a line a pharmacist or an inspector reads:
 * the supplier, order form and PO of a receipt, the POS transaction of a dispense, the kind and
 * reason of an adjustment, the count, the hold. Used by the reports and the stock card.
 */
export function entryDocument(b: Pick<EntryBody, 'type' | 'data' | 'corrects' | 'source'>, unit: string | null): string {
  const d = b.data as Record<string, unknown>;
  // A count's expected quantity and variance are dosage units: said with the unit, as every
  // other quantity in a record is ("units" where the catalog does not name it).
  const s = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);
  const parts: string[] = [];
  switch (b.type) {
    case 'RECEIPT': {
      const sup = isObject(d.supplier) ? d.supplier : null;
      if (sup && s(sup.name)) parts.push(`from ${s(sup.name)}${s(sup.dea_number) ? ` (DEA ${s(sup.dea_number)})` : ''}`);
      const order = isObject(d.order_form) ? d.order_form : null;
      if (order && s(order.number)) parts.push(`${order.kind === 'CSOS' ? 'CSOS' : 'Form 222'} ${s(order.number)}${s(d.line_no) ? ` line ${s(d.line_no)}` : ''}`);
      if (s(d.cii_containers_received) ?? s(d.containers)) parts.push(`${s(d.cii_containers_received) ?? s(d.containers)} container(s)`);
      if (s(d.date_received)) parts.push(`received ${s(d.date_received)}`);
      if (s(d.po_number)) parts.push(`PO ${s(d.po_number)}`);
      if (s(d.receiving_session)) parts.push(`receiving session ${String(s(d.receiving_session)).slice(0, 8)}`);
      if (s(d.edi_type)) parts.push(`EDI ${s(d.edi_type)} ${s(d.edi_control) ?? ''}${s(d.asn) ? ` ASN ${s(d.asn)}` : ''}`.trim());
      break;
    }
    case 'DISPENSE':
      if (s(d.pos_transaction_id)) parts.push(`POS ${s(d.pos_transaction_id)}`);
      if (s(d.patient_token)) parts.push(`patient ${s(d.patient_token)}`);
      if (s(d.prescription_number) ?? s(d.rx_number)) parts.push(`Rx ${s(d.prescription_number) ?? s(d.rx_number)}`);
      break;
    case 'ADJUSTMENT': {
      const reason = s(d.reason);
      parts.push(String(s(d.kind) ?? 'adjustment').replace(/_/g, ' '));
      if (reason) parts.push(`reason: ${REASON_LABELS[reason as ReasonCode] ?? reason}`);
      if (s(d.hold_id)) parts.push(`hold ${s(d.hold_id)}`);
      if (s(d.count_id)) parts.push(`count ${s(d.count_id)}`);
      if (d.form_106 === true) parts.push('Form 106');
      if (s(d.reference)) parts.push(`ref ${s(d.reference)}`);
      break;
    }
    case 'COUNT':
      if (s(d.count_id)) parts.push(`count ${s(d.count_id)}`);
      if (typeof d.expected === 'number') parts.push(`expected ${formatUnits(d.expected, unit)}`);
      if (typeof d.variance === 'number') parts.push(`variance ${formatChange(d.variance, unit)}`);
      if (s(d.outcome)) parts.push(String(s(d.outcome)).replace(/_/g, ' '));
      break;
    case 'HOLD_PLACED':
      parts.push(`hold ${s(d.hold_id) ?? ''} placed`.trim());
      if (typeof d.variance === 'number') parts.push(`variance ${formatChange(d.variance, unit)}`);
      break;
    case 'HOLD_RELEASED':
      parts.push(`hold ${s(d.hold_id) ?? ''} released`.trim());
      break;
    case 'INITIAL_INVENTORY':
      parts.push(`initial inventory${s(d.inventory_date) ? ` of ${s(d.inventory_date)}` : ''}${d.taken === 'opening' ? ' (opening of business)' : d.taken === 'close' ? ' (close of business)' : ''}`);
      break;
    case 'CORRECTION':
      if (b.corrects) parts.push(`corrects ${b.corrects.device_id}#${b.corrects.seq}`);
      break;
    default:
      break;
  }
  if (b.corrects && b.type !== 'CORRECTION') parts.push(`corrects ${b.corrects.device_id}#${b.corrects.seq}`);
  return parts.join('; ');
}
