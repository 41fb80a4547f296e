import { gs1CheckDigit, hasValidCheckDigit } from '../identifiers';

/**
 * EPC URIs (GS1 EPC Tag Data Standard, "pure identity" form) to GS1 keys.
 *
 *   urn:epc:id:sgtin:CompanyPrefix.IndicatorItemRef.Serial
 *     GTIN-14 = indicator (first digit of IndicatorItemRef) + CompanyPrefix + rest of
 *     IndicatorItemRef + check digit; the serial is URI-escaped (%2F…).
 *   urn:epc:id:sscc:CompanyPrefix.ExtensionSerialRef
 *     SSCC-18 = extension digit + CompanyPrefix + rest of SerialRef + check digit.
 *   urn:epc:class:lgtin:CompanyPrefix.IndicatorItemRef.Lot   (a GTIN with a lot, in quantity lists)
 *   urn:epc:idpat:sgtin:CompanyPrefix.IndicatorItemRef.*     (master data of every serial of a GTIN)
 *
 * GS1 Digital Link URIs (EPCIS 2.0 may use them) are read too: /01/{gtin}/21/{serial},
 * /00/{sscc}, /01/{gtin}/10/{lot}.
 */

export type Epc =
  | { kind: 'sgtin'; gtin: string; serial: string }
  | { kind: 'sscc'; sscc: string }
  | { kind: 'lgtin'; gtin: string; lot: string }
  | { kind: 'gtin'; gtin: string }
  | { kind: 'other'; uri: string };

/**
 * TDS partition tables (SGTIN, SSCC, LGTIN): a GS1 Company Prefix of 6 to 12 digits. A URI
 * whose digits add up but split outside that range encodes no tag and names no company.
 */
const companyPrefixOk = (cp: string) => cp.length >= 6 && cp.length <= 12;

/** TDS: SGTIN serials and LGTIN lots are at most 20 characters of GS1 set 82 (after un-escaping). */
const SET82_UP_TO_20 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$/;

function gtinFrom(companyPrefix: string, indicatorItemRef: string): string | null {
  if (!/^\d+$/.test(companyPrefix) || !/^\d+$/.test(indicatorItemRef)) return null;
  if (companyPrefix.length + indicatorItemRef.length !== 13 || !companyPrefixOk(companyPrefix)) return null;
  const body = indicatorItemRef[0] + companyPrefix + indicatorItemRef.slice(1);
  return body + String(gs1CheckDigit(body));
}

function ssccFrom(companyPrefix: string, serialRef: string): string | null {
  if (!/^\d+$/.test(companyPrefix) || !/^\d+$/.test(serialRef)) return null;
  if (companyPrefix.length + serialRef.length !== 17 || !companyPrefixOk(companyPrefix)) return null;
  const body = serialRef[0] + companyPrefix + serialRef.slice(1);
  return body + String(gs1CheckDigit(body));
}

function unescapeEpc(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// 18 digits before 14: an SSCC's first 14 digits would otherwise be taken for a GTIN and the
// match fail on the rest. The key must end the path segment.
const DL = /^https?:\/\/[^/]+\/(?:.*\/)?(01|00)\/(\d{18}|\d{14})(?=[/?#]|$)(?:\/(21|10)\/([^/?#]+))?/;

export function parseEpc(uri: string): Epc {
  const u = uri.trim();
  let m = /^urn:epc:id:sgtin:(\d+)\.(\d+)\.(.+)$/.exec(u);
  if (m) {
    const gtin = gtinFrom(m[1]!, m[2]!);
    const serial = unescapeEpc(m[3]!);
    return gtin && SET82_UP_TO_20.test(serial) ? { kind: 'sgtin', gtin, serial } : { kind: 'other', uri: u };
  }
  m = /^urn:epc:id:sscc:(\d+)\.(\d+)$/.exec(u);
  if (m) {
    const sscc = ssccFrom(m[1]!, m[2]!);
    return sscc ? { kind: 'sscc', sscc } : { kind: 'other', uri: u };
  }
  m = /^urn:epc:class:lgtin:(\d+)\.(\d+)\.(.+)$/.exec(u);
  if (m) {
    const gtin = gtinFrom(m[1]!, m[2]!);
    const lot = unescapeEpc(m[3]!);
    return gtin && SET82_UP_TO_20.test(lot) ? { kind: 'lgtin', gtin, lot } : { kind: 'other', uri: u };
  }
  m = /^urn:epc:idpat:sgtin:(\d+)\.(\d+)\.\*$/.exec(u);
  if (m) {
    const gtin = gtinFrom(m[1]!, m[2]!);
    return gtin ? { kind: 'gtin', gtin } : { kind: 'other', uri: u };
  }
  m = DL.exec(u);
  if (m && hasValidCheckDigit(m[2]!)) {
    if (m[1] === '00' && m[2]!.length === 18) return { kind: 'sscc', sscc: m[2]! };
    if (m[1] === '01' && m[2]!.length === 14) {
      if (m[3] === '21') return { kind: 'sgtin', gtin: m[2]!, serial: unescapeEpc(m[4]!) };
      if (m[3] === '10') return { kind: 'lgtin', gtin: m[2]!, lot: unescapeEpc(m[4]!) };
      return { kind: 'gtin', gtin: m[2]! };
    }
  }
  return { kind: 'other', uri: u };
}
