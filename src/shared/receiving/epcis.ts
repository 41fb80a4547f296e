import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import { ndcFromGtin, parseNdc } from '../identifiers';
import { cbvProblem, cbvWord, type CbvVocabulary } from './cbv';
import { parseEpc, type Epc } from './epc';
import { ssccKey, unitKey, type ExpectedLine, type ExpectedPack, type ExpectedShipment, type ParseShipmentResult } from './types';

/**
 * DSCSA transaction data as EPCIS — 1.2 XML or 2.0 JSON-LD — to an expected shipment.
 *
 * Both forms are first read into the same neutral events. Then: the shipping event(s) give
 * the top-level containers (pallet SSCC, cases), the PO (bizTransaction type po) and the
 * seller (source owning_party); aggregation events (action ADD) are followed down to the
 * saleable units; each unit takes the lot and expiry of its commissioning event's ILMD; the
 * EPCClass master data gives the NDC (additionalTradeItemIdentification, US_FDA_NDC), name
 * and net content. Units are grouped by GTIN, lot and expiry into expected lines with their
 * serials; every aggregation parent becomes a pack (scan the case, receive its children).
 * Without a shipping event, every object event's EPCs that are not inside another are taken.
 */

interface KeyValue {
  type: string;
  value: string;
}

interface NeutralEvent {
  type: string;
  action: string | null;
  bizStep: string | null;
  epcs: string[];
  parent: string | null;
  children: string[];
  quantities: { epcClass: string; quantity: number | null; uom: string | null }[];
  lot: string | null;
  expiry: string | null;
  bizTransactions: KeyValue[];
  sources: KeyValue[];
}

interface NeutralDoc {
  documentId: string | null;
  sender: string | null;
  events: NeutralEvent[];
  /** Vocabulary element id → attributes by short name (the part after '#'). */
  vocab: Map<string, Record<string, string>>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

function text(v: unknown): string | null {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isObj(v) && '#text' in v) return text(v['#text']);
  return null;
}

/** "urn:epcglobal:cbv:bizstep:shipping", "https://ref.gs1.org/cbv/BizStep-shipping", "shipping" → "shipping". */
export function cbvShort(v: string | null): string | null {
  return v ? cbvWord(v).toLowerCase() : null;
}

const attrName = (id: string) => (id.includes('#') ? id.slice(id.lastIndexOf('#') + 1) : id.slice(id.lastIndexOf(':') + 1));

/** CBV master data (lotNumber, itemExpirationDate): the namespace CBV defines them in. */
const CBVMDA = 'urn:epcglobal:cbv:mda';

/**
 * A CBV master-data value of an ILMD: `cbvmda:NAME` (JSON-LD, and XML once its namespaces are
 * resolved) or the full IRI. The same name in another namespace is someone else's term, not the
 * lot or expiry: it is not read. `undefined` when absent; a value that is not text is returned as is.
 */
function cbvmdaValue(o: unknown, name: string): unknown {
  if (!isObj(o)) return undefined;
  for (const key of [`cbvmda:${name}`, `${CBVMDA}:${name}`]) if (key in o) return o[key];
  return undefined;
}

export class EpcisContentError extends Error {}

/** An ILMD's lot: text, or refused. */
function lotOf(o: unknown): string | null {
  const v = cbvmdaValue(o, 'lotNumber');
  if (v === undefined || v === null) return null;
  const t = text(v);
  if (t === null || t === '' || isObj(v)) throw new EpcisContentError(`cbvmda:lotNumber ${JSON.stringify(v)} is not a lot number (text)`);
  return t;
}

/** A real calendar day as YYYY-MM-DD (zod's check, as the drug-record schema uses). */
const CALENDAR_DATE = z.iso.date();

/** An ILMD's expiry as YYYY-MM-DD: an xsd:date that is a real day (CBV types itemExpirationDate so), or refused. */
function expiryOf(o: unknown): string | null {
  const v = cbvmdaValue(o, 'itemExpirationDate');
  if (v === undefined || v === null) return null;
  // xsd:date: the day, then an optional time zone, which does not change which day it is.
  const m = typeof v === 'string' ? /^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$/.exec(v.trim()) : null;
  if (!m || !CALENDAR_DATE.safeParse(m[1]).success) throw new EpcisContentError(`cbvmda:itemExpirationDate ${JSON.stringify(v)} is not a date (xsd:date, YYYY-MM-DD, a real day)`);
  return m[1]!;
}

// ---------- EPCIS 1.2 / 2.0 XML ----------

const XML_ARRAYS = new Set([
  'epc',
  'ObjectEvent',
  'AggregationEvent',
  'TransactionEvent',
  'TransformationEvent',
  'AssociationEvent',
  'Vocabulary',
  'VocabularyElement',
  'attribute',
  'bizTransaction',
  'source',
  'destination',
  'quantityElement',
]);

/**
 * Namespaces whose elements the reader takes by their local name: EPCIS 1.2 and 2.0 (document,
 * master data, query), the SBDH header, and no namespace (EPCIS event fields are unqualified).
 */
const EPCIS_NAMESPACES = new Set([
  '',
  'urn:epcglobal:epcis:xsd:1',
  'urn:epcglobal:epcis:xsd:2',
  'urn:epcglobal:epcis-masterdata:xsd:1',
  'urn:epcglobal:epcis-masterdata:xsd:2',
  'urn:epcglobal:epcis-query:xsd:1',
  'urn:epcglobal:epcis-query:xsd:2',
  'http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader',
]);

/**
 * Renames every element of the parsed tree by its namespace, resolved through the xmlns
 * declarations in scope: EPCIS's own (EPCIS_NAMESPACES) to their local name, CBV master data to
 * `cbvmda:NAME`, anything else to `{namespace}NAME`. An extension element in another namespace
 * (the XSDs allow them at the end of an event and in ILMD) can then never be taken for the
 * standard field of the same local name, e.g. a foreign `x:bizStep` or `x:lotNumber`.
 */
function resolveNamespaces(node: unknown, scope: ReadonlyMap<string, string>): unknown {
  if (!isObj(node)) return node;
  const out: Obj = {};
  for (const [k, v] of Object.entries(node)) {
    // A namespace declaration has done its work once names are resolved; kept, it would turn
    // `<cbvmda:lotNumber xmlns:cbvmda="…">L1</cbvmda:lotNumber>` into an element with content
    // and attributes instead of the text it is.
    if (k === '@_xmlns' || k.startsWith('@_xmlns:')) continue;
    if (k.startsWith('@_') || k === '#text') {
      out[k] = v;
      continue;
    }
    // An element's own xmlns declarations are in scope for its own name, so each occurrence is
    // resolved with the scope it opens.
    for (const item of Array.isArray(v) ? v : [v]) {
      const own = withDeclarations(item, scope);
      const colon = k.indexOf(':');
      const prefix = colon > 0 ? k.slice(0, colon) : '';
      const local = colon > 0 ? k.slice(colon + 1) : k;
      const ns = own.get(prefix) ?? (prefix === '' ? '' : `undeclared prefix ${prefix}`);
      const name = EPCIS_NAMESPACES.has(ns) ? local : ns === CBVMDA ? `cbvmda:${local}` : `{${ns}}${local}`;
      const resolved = resolveNamespaces(item, own);
      const value = isObj(resolved) && Object.keys(resolved).length === 1 && '#text' in resolved ? resolved['#text'] : resolved;
      if (!(name in out)) out[name] = Array.isArray(v) ? [value] : value;
      else out[name] = [...arr(out[name]), value];
    }
  }
  return out;
}

/** The namespace scope inside an element: its parent's, plus its own xmlns attributes. */
function withDeclarations(element: unknown, scope: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  if (!isObj(element)) return scope;
  let inner: Map<string, string> | null = null;
  for (const [k, v] of Object.entries(element)) {
    if (k !== '@_xmlns' && !k.startsWith('@_xmlns:')) continue;
    inner ??= new Map(scope);
    inner.set(k === '@_xmlns' ? '' : k.slice('@_xmlns:'.length), String(v));
  }
  return inner ?? scope;
}

function readXml(xml: string): NeutralDoc {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    isArray: (name) => XML_ARRAYS.has(name.slice(name.indexOf(':') + 1)),
  });
  const root = resolveNamespaces(parser.parse(xml), new Map()) as Obj;
  const doc = (root.EPCISDocument ?? root.EPCISQueryDocument) as Obj | undefined;
  if (!isObj(doc)) throw new Error('not an EPCIS document: no EPCISDocument element');
  const header = isObj(doc.EPCISHeader) ? doc.EPCISHeader : {};
  const sbdh = isObj(header.StandardBusinessDocumentHeader) ? header.StandardBusinessDocumentHeader : {};
  const docId = isObj(sbdh.DocumentIdentification) ? text(sbdh.DocumentIdentification.InstanceIdentifier) : null;
  const sender = isObj(sbdh.Sender) ? text(sbdh.Sender.Identifier) : null;

  const vocab = new Map<string, Record<string, string>>();
  const masterData = [header.EPCISMasterData, isObj(header.extension) ? header.extension.EPCISMasterData : undefined];
  for (const md of masterData) {
    if (!isObj(md) || !isObj(md.VocabularyList)) continue;
    for (const v of arr(md.VocabularyList.Vocabulary)) {
      if (!isObj(v) || !isObj(v.VocabularyElementList)) continue;
      for (const el of arr(v.VocabularyElementList.VocabularyElement)) {
        if (!isObj(el)) continue;
        const id = text(el['@_id']);
        if (!id) continue;
        const attrs: Record<string, string> = {};
        for (const a of arr(el.attribute)) {
          if (!isObj(a)) continue;
          const aid = text(a['@_id']);
          const val = text(a);
          if (aid && val !== null) attrs[attrName(aid)] = val;
        }
        vocab.set(id, attrs);
      }
    }
  }

  const body = isObj(doc.EPCISBody) ? doc.EPCISBody : {};
  let list: unknown = body.EventList;
  if (!list && isObj(body.QueryResults)) list = isObj(body.QueryResults.resultsBody) ? body.QueryResults.resultsBody.EventList : undefined;
  const events: NeutralEvent[] = [];
  if (isObj(list)) {
    const lists: Obj[] = [list, ...(isObj(list.extension) ? [list.extension] : [])];
    for (const l of lists) {
      for (const type of ['ObjectEvent', 'AggregationEvent', 'TransactionEvent', 'TransformationEvent', 'AssociationEvent']) {
        for (const e of arr(l[type])) if (isObj(e)) events.push(xmlEvent(type, e));
      }
    }
  }
  return { documentId: docId, sender, events, vocab };
}

function xmlEpcs(container: unknown): string[] {
  if (!isObj(container)) return [];
  return arr(container.epc)
    .map(text)
    .filter((s): s is string => !!s);
}

function xmlKv(container: unknown, item: string): KeyValue[] {
  if (!isObj(container)) return [];
  return arr(container[item])
    .filter(isObj)
    .map((x) => ({ type: cbvShort(text(x['@_type'])) ?? '', value: text(x) ?? '' }))
    .filter((x) => x.value !== '');
}

/** EPCIS §7.4.1 (the XSDs type it as a plain string): "+hh:mm" or "-hh:mm", -14:00 to +14:00, as GS1's JSON schema has it. */
const TIME_ZONE_OFFSET = /^[+-]((0\d|1[0-3]):[0-5]\d|14:00)$/;

type CbvField = readonly [field: string, vocab: CbvVocabulary, value: string | null];

/**
 * An event's CBV values, from its JSON object or its parsed XML element: the two bindings differ
 * only in where a list's items and their type sit (`[{ type }]` against `<list><item type="">`;
 * EPCIS 1.2 XML keeps sources, destinations and the error declaration in extensions).
 */
function cbvFields(e: Obj, xml: boolean): CbvField[] {
  const ext = xml && isObj(e.extension) ? e.extension : {};
  const base = xml && isObj(e.baseExtension) ? e.baseExtension : {};
  const typed = (list: unknown, item: string, field: string, vocab: CbvVocabulary): CbvField[] =>
    (xml ? (isObj(list) ? arr(list[item]) : []) : arr(list)).filter(isObj).map((x) => [field, vocab, text(xml ? x['@_type'] : x.type)] as const);
  const pd = e.persistentDisposition;
  const error = isObj(e.errorDeclaration) ? e.errorDeclaration : isObj(base.errorDeclaration) ? base.errorDeclaration : {};
  return [
    ['bizStep', 'BizStep', text(e.bizStep)],
    ['disposition', 'Disp', text(e.disposition)],
    // EPCIS 2.0: set and unset are JSON arrays or repeated XML elements.
    ...(isObj(pd) ? (['set', 'unset'] as const).flatMap((k) => arr(pd[k]).map((v): CbvField => [`persistentDisposition ${k}`, 'Disp', text(v)])) : []),
    ...typed(e.bizTransactionList, 'bizTransaction', 'a business transaction of type', 'BTT'),
    ...typed(e.sourceList ?? ext.sourceList, 'source', 'a source of type', 'SDT'),
    ...typed(e.destinationList ?? ext.destinationList, 'destination', 'a destination of type', 'SDT'),
    ['errorDeclaration reason', 'ER', text(error.reason)],
  ];
}

/**
 * The event's CBV values (cbv.ts): the first one in GS1's CBV namespace that CBV does not define
 * refuses the document, naming the event, the field and the value.
 */
function checkCbv(event: string, e: Obj, xml: boolean): void {
  for (const [field, vocab, value] of cbvFields(e, xml)) {
    if (value === null || value === '') continue;
    const problem = cbvProblem(vocab, value);
    if (problem) throw new EpcisContentError(`the ${event} has ${field} ${JSON.stringify(value)}, which ${problem} (GS1 Core Business Vocabulary 2.0)`);
  }
}

function xmlEvent(type: string, e: Obj): NeutralEvent {
  const ext = isObj(e.extension) ? e.extension : {};
  const offset = text(e.eventTimeZoneOffset);
  const label = `${type} at ${text(e.eventTime) ?? 'an unknown time'}`;
  if (offset !== null && !TIME_ZONE_OFFSET.test(offset))
    throw new EpcisContentError(`the ${label} has eventTimeZoneOffset ${JSON.stringify(offset)}; EPCIS writes it +hh:mm or -hh:mm (e.g. -05:00)`);
  checkCbv(label, e, true);
  const ilmd = e.ilmd ?? ext.ilmd;
  const qlist = e.quantityList ?? ext.quantityList ?? e.childQuantityList ?? ext.childQuantityList;
  const quantities = isObj(qlist)
    ? arr(qlist.quantityElement)
        .filter(isObj)
        .map((q) => ({ epcClass: text(q.epcClass) ?? '', quantity: q.quantity === undefined ? null : Number(text(q.quantity)), uom: text(q.uom) }))
    : [];
  return {
    type,
    action: text(e.action),
    bizStep: cbvShort(text(e.bizStep)),
    epcs: xmlEpcs(e.epcList),
    parent: text(e.parentID),
    children: xmlEpcs(e.childEPCs),
    quantities,
    lot: lotOf(ilmd),
    expiry: expiryOf(ilmd),
    bizTransactions: xmlKv(e.bizTransactionList, 'bizTransaction'),
    sources: [...xmlKv(e.sourceList, 'source'), ...xmlKv(ext.sourceList, 'source')],
  };
}

// ---------- EPCIS 2.0 JSON / JSON-LD ----------

function readJson(doc: Obj): NeutralDoc {
  const header = isObj(doc.epcisHeader) ? doc.epcisHeader : {};
  const vocab = new Map<string, Record<string, string>>();
  const md = isObj(header.epcisMasterData) ? header.epcisMasterData : null;
  for (const v of arr(md?.vocabularyList)) {
    if (!isObj(v)) continue;
    for (const el of arr(v.vocabularyElementList)) {
      if (!isObj(el)) continue;
      const id = text(el.id);
      if (!id) continue;
      const attrs: Record<string, string> = {};
      for (const a of arr(el.attributes)) {
        if (!isObj(a)) continue;
        const aid = text(a.id);
        const val = text(a.attribute);
        if (aid && val !== null) attrs[attrName(aid)] = val;
      }
      vocab.set(id, attrs);
    }
  }
  const body = isObj(doc.epcisBody) ? doc.epcisBody : {};
  let list = body.eventList;
  if (!list && isObj(body.queryResults) && isObj(body.queryResults.resultsBody)) list = body.queryResults.resultsBody.eventList;
  const events: NeutralEvent[] = arr(list)
    .filter(isObj)
    .map((e) => {
      checkCbv(`${text(e.type) ?? 'event'} at ${text(e.eventTime) ?? 'an unknown time'}`, e, false);
      return {
      type: text(e.type) ?? '',
      action: text(e.action),
      bizStep: cbvShort(text(e.bizStep)),
      epcs: arr(e.epcList).map(text).filter((s): s is string => !!s),
      parent: text(e.parentID),
      children: arr(e.childEPCs).map(text).filter((s): s is string => !!s),
      quantities: [...arr(e.quantityList), ...arr(e.childQuantityList)].filter(isObj).map((q) => ({
        epcClass: text(q.epcClass) ?? '',
        quantity: q.quantity === undefined ? null : Number(q.quantity),
        uom: text(q.uom),
      })),
      lot: lotOf(e.ilmd),
      expiry: expiryOf(e.ilmd),
      bizTransactions: arr(e.bizTransactionList)
        .filter(isObj)
        .map((b) => ({ type: cbvShort(text(b.type)) ?? '', value: text(b.bizTransaction) ?? '' })),
      sources: arr(e.sourceList)
        .filter(isObj)
        .map((s) => ({ type: cbvShort(text(s.type)) ?? '', value: text(s.source) ?? '' })),
      };
    });
  return {
    documentId: text(doc.instanceIdentifier),
    sender: text(doc.sender),
    events,
    vocab,
  };
}

// ---------- to an expected shipment ----------

const epcKey = (e: Epc): string | null => (e.kind === 'sgtin' ? unitKey(e.gtin, e.serial) : e.kind === 'sscc' ? ssccKey(e.sscc) : null);

/** "urn:epcglobal:cbv:bt:0399999999991:XYZPO189" → "XYZPO189"; other forms as sent. */
function poNumberOf(v: string): string {
  const m = /^urn:epcglobal:cbv:bt:[^:]+:(.+)$/.exec(v);
  return m ? m[1]! : v;
}

function addressOf(loc: Record<string, string> | undefined): { name: string | null; address: string | null } {
  if (!loc) return { name: null, address: null };
  const street = [loc.streetAddressOne, loc.streetAddressTwo, loc.streetAddressThree].filter(Boolean).join(', ');
  const cityLine = [loc.city, [loc.state, loc.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  const address = [street, cityLine, loc.countryCode].filter(Boolean).join(', ');
  return { name: loc.name ?? null, address: address || null };
}

/** EPC URIs of the Tag Data Standard's forms RxLedger reads, and GS1 Digital Links to a GTIN or SSCC. */
const LOOKS_LIKE_KEY = /^(urn:epc:(id:sgtin|id:sscc|class:lgtin|idpat:sgtin):|https?:\/\/[^/]+\/(?:.*\/)?(01|00)\/\d)/;

/**
 * Every identifier the events name that has the form of an SGTIN, SSCC or LGTIN (URN or Digital
 * Link) but does not hold one: refused rather than skipped, so a unit is never dropped from the
 * expected shipment unnoticed.
 */
function checkIdentifiers(events: readonly NeutralEvent[]): void {
  for (const e of events) {
    for (const id of [...e.epcs, ...e.children, ...(e.parent ? [e.parent] : []), ...e.quantities.map((q) => q.epcClass)]) {
      if (LOOKS_LIKE_KEY.test(id.trim()) && parseEpc(id).kind === 'other')
        throw new EpcisContentError(
          `${id} is not a valid identifier (GS1 Tag Data Standard: a company prefix of 6–12 digits, with the item reference 13 digits for a GTIN and 17 for an SSCC; a serial or lot of at most 20 characters of GS1 set 82; in a Digital Link, a key with its check digit)`,
        );
    }
  }
}

export function epcisToShipment(doc: NeutralDoc, fileName: string | null): ExpectedShipment {
  const warnings: string[] = [];
  const ilmd = new Map<string, { lot: string | null; expiry: string | null }>();
  const aggregation = new Map<string, Set<string>>();
  const childKeys = new Set<string>();
  const objectEpcs: string[] = [];
  const quantityLines: { gtin: string; lot: string; quantity: number }[] = [];
  const shipping = doc.events.filter((e) => e.type === 'ObjectEvent' && e.bizStep === 'shipping');

  checkIdentifiers(doc.events);
  for (const e of doc.events) {
    if (e.type === 'ObjectEvent' && e.action === 'ADD' && (e.lot || e.expiry)) {
      for (const epc of e.epcs) {
        const before = ilmd.get(epc);
        if (before && (before.lot !== e.lot || before.expiry !== e.expiry))
          throw new EpcisContentError(`${epc} is commissioned twice with different lot or expiry (${before.lot ?? 'no lot'}, ${before.expiry ?? 'no expiry'}; then ${e.lot ?? 'no lot'}, ${e.expiry ?? 'no expiry'})`);
        ilmd.set(epc, { lot: e.lot, expiry: e.expiry });
      }
    }
    if (e.type === 'AggregationEvent' && e.parent) {
      const set = aggregation.get(e.parent) ?? new Set<string>();
      if (e.action === 'DELETE') for (const c of e.children) set.delete(c);
      else for (const c of e.children) set.add(c);
      aggregation.set(e.parent, set);
    }
    if (e.type === 'ObjectEvent' && e.action !== 'DELETE') objectEpcs.push(...e.epcs);
  }
  for (const [parent, set] of aggregation) {
    for (const c of set) {
      if (childKeys.has(c)) {
        const other = [...aggregation].find(([p, kids]) => p !== parent && kids.has(c))?.[0];
        throw new EpcisContentError(`${c} is packed in two containers at once (${other} and ${parent}): a unit or case is in one`);
      }
      childKeys.add(c);
    }
  }

  const roots = shipping.length ? [...new Set(shipping.flatMap((e) => e.epcs))] : [...new Set(objectEpcs)].filter((x) => !childKeys.has(x));
  const quantityEvents = shipping.length ? shipping : doc.events.filter((e) => e.type === 'ObjectEvent' && e.action !== 'DELETE');
  for (const e of quantityEvents) {
    for (const q of e.quantities) {
      const c = parseEpc(q.epcClass);
      if (c.kind !== 'lgtin') {
        warnings.push(`quantity of ${q.epcClass} skipped: not a GTIN with a lot`);
        continue;
      }
      if (q.quantity === null || !Number.isInteger(q.quantity) || q.quantity <= 0 || (q.uom && q.uom !== 'EA')) {
        warnings.push(`quantity ${q.quantity ?? '?'} ${q.uom ?? ''} of ${q.epcClass} skipped: not a whole number of units (EA)`.replace(/ {2}/g, ' '));
        continue;
      }
      quantityLines.push({ gtin: c.gtin, lot: c.lot, quantity: q.quantity });
    }
  }

  // Walk down from the roots: packs and units.
  const packs: ExpectedPack[] = [];
  const units: { epc: string; gtin: string; serial: string }[] = [];
  const seen = new Set<string>();
  const walk = (epc: string, trail: ReadonlyArray<string>) => {
    if (seen.has(epc)) return;
    seen.add(epc);
    const kids = aggregation.get(epc);
    const parsed = parseEpc(epc);
    if (kids && kids.size) {
      const key = epcKey(parsed);
      if (key) packs.push({ key, children: [...kids].map((k) => epcKey(parseEpc(k))).filter((k): k is string => !!k), items: [] });
      for (const k of kids) walk(k, [...trail, epc]);
      return;
    }
    if (parsed.kind === 'sgtin') units.push({ epc, gtin: parsed.gtin, serial: parsed.serial });
    else warnings.push(`${epc} in the shipment holds no listed units; it was skipped`);
  };
  for (const r of roots) walk(r, []);

  // Master data by GTIN.
  const classByGtin = new Map<string, Record<string, string>>();
  for (const [id, attrs] of doc.vocab) {
    const p = parseEpc(id);
    if (p.kind === 'gtin' || p.kind === 'lgtin' || p.kind === 'sgtin') classByGtin.set(p.gtin, attrs);
  }

  const lineMap = new Map<string, ExpectedLine>();
  const lineFor = (gtin: string, lot: string | null, expiry: string | null): ExpectedLine => {
    const k = `${gtin}|${lot ?? ''}|${expiry ?? ''}`;
    let line = lineMap.get(k);
    if (!line) {
      const md = classByGtin.get(gtin);
      let ndc: string | null = null;
      let candidates: string[] = [];
      if (md?.additionalTradeItemIdentification && (!md.additionalTradeItemIdentificationTypeCode || /NDC/i.test(md.additionalTradeItemIdentificationTypeCode))) {
        const n = parseNdc(md.additionalTradeItemIdentification);
        if (n.ok) ndc = n.ndc11 ?? n.ndc12;
        else warnings.push(`NDC "${md.additionalTradeItemIdentification}" in the master data of ${gtin} is not readable: ${n.error}`);
      }
      if (!ndc) {
        const g = ndcFromGtin(gtin);
        if (g.ok) candidates = g.candidates;
      }
      const net = md?.netContentDescription ? /^\s*(\d+)/.exec(md.netContentDescription) : null;
      line = {
        lineNo: lineMap.size + 1,
        ndc,
        gtin,
        ndc10Candidates: candidates,
        name: [md?.regulatedProductName, md?.strengthDescription, md?.dosageFormType?.toLowerCase()].filter(Boolean).join(' ') || null,
        quantity: 0,
        unitsPerContainer: net ? Number(net[1]) : null,
        lot,
        expiry,
        serials: [],
      };
      lineMap.set(k, line);
    }
    return line;
  };
  const bare = units.filter((u) => !ilmd.get(u.epc)?.lot || !ilmd.get(u.epc)?.expiry).length;
  if (bare)
    warnings.push(`${bare} unit(s) have no lot or no expiry in the document: DSCSA transaction information names both for each package; take them from the packages' labels`);
  for (const u of units) {
    const meta = ilmd.get(u.epc) ?? { lot: null, expiry: null };
    const line = lineFor(u.gtin, meta.lot, meta.expiry);
    line.quantity += 1;
    line.serials.push(u.serial);
  }
  for (const q of quantityLines) lineFor(q.gtin, q.lot, null).quantity += q.quantity;

  const shipEvent = shipping[0];
  const po = (shipEvent ?? doc.events.find((e) => e.bizTransactions.some((b) => b.type === 'po')))?.bizTransactions.find((b) => b.type === 'po');
  const owner = shipEvent?.sources.find((s) => s.type === 'owning_party')?.value ?? doc.sender;
  const seller = addressOf(owner ? doc.vocab.get(owner) : undefined);
  if (!units.length && !quantityLines.length) warnings.push('the document lists no saleable units');
  return {
    kind: 'epcis',
    fileName,
    documentId: doc.documentId,
    supplier: { name: seller.name, address: seller.address, deaNumber: null },
    poNumber: po ? poNumberOf(po.value) : null,
    orderForm: null,
    shipDate: null,
    lines: [...lineMap.values()],
    packs,
    warnings,
  };
}

/** The document types of GS1's EPCIS 2.0 JSON schema; any other type is validated as an event, not a document. */
export const EPCIS_JSON_DOCUMENT_TYPES: ReadonlySet<string> = new Set(['EPCISDocument', 'EPCISQueryDocument']);

/** Reads an EPCIS document (1.2 or 2.0 XML, 2.0 JSON/JSON-LD) into an expected shipment. Never throws. */
export function parseEpcis(textIn: string, fileName: string | null = null): ParseShipmentResult {
  const t = textIn.replace(/^\uFEFF/, '').trim();
  try {
    let doc: NeutralDoc;
    if (t.startsWith('<')) doc = readXml(t);
    else if (t.startsWith('{')) {
      const json = JSON.parse(t) as unknown;
      if (!isObj(json) || !EPCIS_JSON_DOCUMENT_TYPES.has(String(json.type ?? json['@type'] ?? ''))) {
        return { ok: false, error: 'not an EPCIS 2.0 JSON document: "type" is not EPCISDocument' };
      }
      doc = readJson(json);
    } else return { ok: false, error: 'not an EPCIS document: neither XML nor JSON' };
    if (!doc.events.length) return { ok: false, error: 'the EPCIS document holds no events' };
    return { ok: true, shipment: epcisToShipment(doc, fileName) };
  } catch (err) {
    if (err instanceof EpcisContentError) return { ok: false, error: `the EPCIS document cannot be used: ${err.message}` };
    return { ok: false, error: `the EPCIS document cannot be read: ${err instanceof Error ? err.message : String(err)}` };
  }
}
