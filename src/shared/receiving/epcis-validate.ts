import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { EPCIS_JSON_DOCUMENT_TYPES } from './epcis';

/**
 * EPCIS 2.0 JSON / JSON-LD held to GS1's published JSON Schema, then to the rules RxLedger adds.
 * Pure: the caller reads the schema file (src/main/standards) and keeps the compiled validator —
 * compiling the schema takes about half a second, checking a document a few milliseconds.
 */

/** One reason a document is refused: where (JSON path, or XML line and element) and which rule. */
export interface EpcisProblem {
  /** JSON Pointer into the document ("/epcisBody/eventList/0/eventTime"), or "line 109" for XML. */
  path: string;
  /** The rule broken: "schema format date-time", "xsd", "namespace prefix", … */
  rule: string;
  message: string;
}

export type EpcisJsonCheck = (doc: unknown) => EpcisProblem[];

// ajv-formats is CommonJS; its default export arrives wrapped when loaded from ESM.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as AddFormats;

/** Keywords whose error only repeats a more precise one under it. */
const WRAPPERS = new Set(['if', 'allOf', 'anyOf', 'oneOf', 'propertyNames', 'then', 'else']);

/** Problems reported per document at most; the first ones are what a person can act on. */
const MAX_PROBLEMS = 20;

function ruleOf(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'format':
      return `schema format ${String(p.format)}`;
    case 'required':
      return `schema required ${String(p.missingProperty)}`;
    case 'enum':
      return `schema enum`;
    case 'type':
      return `schema type ${String(p.type)}`;
    case 'pattern':
      return `schema pattern ${String(p.pattern)}`;
    default:
      return `schema ${e.keyword}`;
  }
}

/** A JSON Pointer (RFC 6901) to `key` under `base`. */
const pointer = (base: string, key: string) => `${base}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;

function describe(e: ErrorObject): EpcisProblem {
  // A propertyNames error is about a key: point at the key itself.
  const key = (e as ErrorObject & { propertyName?: string }).propertyName;
  const path = (key !== undefined ? pointer(e.instancePath, key) : e.instancePath) || '/';
  const p = e.params as Record<string, unknown>;
  let message: string;
  if (key !== undefined && e.keyword === 'format') message = `the key "${key}" is not a URI (${String(p.format)}): an extension key needs a namespace prefix declared in @context`;
  else if (e.keyword === 'enum') message = `${e.message ?? 'must be one of the allowed values'}: ${JSON.stringify(p.allowedValues)}`;
  else message = e.message ?? e.keyword;
  return { path, rule: ruleOf(e), message };
}

/** Compiles GS1's EPCIS JSON Schema (draft-07) with format checks; returns the checker. */
export function compileEpcisJsonSchema(schema: object): EpcisJsonCheck {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv);
  const validate: ValidateFunction = ajv.compile(schema);
  return (doc) => {
    if (validate(doc)) return [];
    const seen = new Set<string>();
    const out: EpcisProblem[] = [];
    const errors = validate.errors ?? [];
    // An alternative (anyOf/oneOf) that failed for an object, e.g. GS1's "action OBSERVE and no
    // ilmd, or DELETE and no ilmd, or ADD": when a field of that object is wrong outside any
    // alternative ("action: must be one of OBSERVE, ADD, DELETE"), that fault is why every
    // alternative failed, and their own errors ("must match pattern ^ADD$", "ilmd: must NOT be
    // valid") only repeat it.
    const failed = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
    const plain = errors.filter((e) => !WRAPPERS.has(e.keyword) && !/\/(anyOf|oneOf)\/\d+\//.test(e.schemaPath));
    const within = (path: string, object: string) => path === object || path.startsWith(`${object}/`);
    // The same alternative fails at each event: match it by the object too, so one event's
    // wrong action never hides another event's fault.
    const explained = (e: ErrorObject) =>
      failed.some((a) => e.schemaPath.startsWith(`${a.schemaPath}/`) && within(e.instancePath, a.instancePath) && plain.some((p) => p !== e && p.instancePath.startsWith(`${a.instancePath}/`)));
    for (const e of errors) {
      if (WRAPPERS.has(e.keyword)) continue;
      if (explained(e)) continue;
      // An alternative (anyOf/oneOf branch) that failed only because the object is of the other
      // kind — "must have required property 'quantityList'" beside the real fault under the same
      // object — says nothing a person can act on: dropped when a deeper error explains it.
      if (/\/(anyOf|oneOf)\/\d+\//.test(e.schemaPath) && (e.keyword === 'required' || e.keyword === 'not') && errors.some((d) => !WRAPPERS.has(d.keyword) && d.instancePath.startsWith(`${e.instancePath}/`)))
        continue;
      const problem = describe(e);
      const id = `${problem.path} ${problem.rule}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(problem);
      if (out.length >= MAX_PROBLEMS) break;
    }
    // Only wrapper errors (should not happen): still a refusal, named by the first one.
    if (out.length === 0 && validate.errors?.[0]) out.push(describe(validate.errors[0]));
    return out;
  };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Prefixes the EPCIS 2.0 JSON-LD context itself defines (epcis-context.jsonld): a document may
 * use them without declaring them.
 */
export const EPCIS_CONTEXT_PREFIX_IRIS: ReadonlyMap<string, string> = new Map([
  ['epcis', 'https://ref.gs1.org/epcis/'],
  ['cbv', 'https://ref.gs1.org/cbv/'],
  ['cbvmda', 'urn:epcglobal:cbv:mda:'],
  ['gs1', 'https://gs1.org/voc/'],
  ['rdfs', 'http://www.w3.org/2000/01/rdf-schema#'],
  ['owl', 'http://www.w3.org/2002/07/owl#'],
  ['xsd', 'http://www.w3.org/2001/XMLSchema#'],
  ['dcterms', 'http://purl.org/dc/terms/'],
]);
export const EPCIS_CONTEXT_PREFIXES: ReadonlySet<string> = new Set(EPCIS_CONTEXT_PREFIX_IRIS.keys());

/**
 * Where GS1 publishes the EPCIS 2.0 JSON-LD context: the versioned and the current address, and
 * the GitHub address of the 2.0 drafts that early files name. A document must include one, or
 * its terms (cbvmda:lotNumber, the event fields) mean nothing in JSON-LD.
 */
export const EPCIS_CONTEXT_IRIS: ReadonlySet<string> = new Set([
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  'https://ref.gs1.org/standards/epcis/epcis-context.jsonld',
  'https://gs1.github.io/EPCIS/epcis-context.jsonld',
]);


/** Prefixes a document declares in its @context (string or list; object entries whose value is an IRI). */
function declaredPrefixes(context: unknown): Set<string> {
  const out = new Set<string>();
  for (const entry of Array.isArray(context) ? context : [context]) {
    if (!isObj(entry)) continue;
    for (const [k, v] of Object.entries(entry)) {
      const iri = typeof v === 'string' ? v : isObj(v) && typeof v['@id'] === 'string' ? v['@id'] : null;
      if (iri && /^[a-z][a-z0-9+.-]*:/i.test(iri) && !k.includes(':')) out.add(k);
    }
  }
  return out;
}

const isFullIri = (prefix: string) => /^(https?|urn)$/i.test(prefix);

/**
 * Rules RxLedger applies to a schema-valid EPCIS 2.0 JSON document before reading it:
 * - the document's type is EPCISDocument or EPCISQueryDocument exactly (GS1's schema checks any
 *   other type as an event, so "epcis:EPCISDocument" would pass it with its body unchecked);
 * - its @context includes GS1's EPCIS 2.0 context (EPCIS_CONTEXT_IRIS) and does not redefine a
 *   prefix that context defines (its terms are @protected);
 * - EPCIS 2.0 §7.1.6 / the JSON-LD binding: every user extension key at the document's and an
 *   event's level and in ILMD, and every prefixed key at any depth inside an extension's value,
 *   is a compact IRI ("ext1:lotInfo") whose prefix the @context declares (or the EPCIS context
 *   defines), or a full IRI; a plain key inside an extension's value is the extension's own.
 *   GS1's schema only requires ILMD keys to be URIs, which "example:field" with an undeclared
 *   prefix is. An unprefixed key has no meaning in JSON-LD: it would be dropped, and
 *   with it a lot or expiry.
 */
export function epcisJsonRules(doc: unknown): EpcisProblem[] {
  if (!isObj(doc)) return [];
  const out: EpcisProblem[] = [];
  const type = String(doc.type ?? doc['@type'] ?? '');
  if (!EPCIS_JSON_DOCUMENT_TYPES.has(type))
    out.push({ path: '/type', rule: 'document type', message: `the document's type is ${JSON.stringify(type)}; an EPCIS document is "EPCISDocument" (or "EPCISQueryDocument")` });
  checkContext(doc['@context'], out);
  const known = new Set([...EPCIS_CONTEXT_PREFIXES, ...declaredPrefixes(doc['@context'])]);
  for (const [key, value] of Object.entries(doc)) if (key.includes(':')) extensionKey(key, value, '', known, 'document', out);
  const body = isObj(doc.epcisBody) ? doc.epcisBody : {};
  let list = body.eventList;
  if (list === undefined && isObj(body.queryResults) && isObj(body.queryResults.resultsBody)) list = body.queryResults.resultsBody.eventList;
  const base = list === body.eventList ? '/epcisBody/eventList' : '/epcisBody/queryResults/resultsBody/eventList';
  if (!Array.isArray(list)) return out.slice(0, MAX_PROBLEMS);
  list.forEach((event, i) => {
    if (!isObj(event)) return;
    const local = declaredPrefixes(event['@context']);
    for (const p of known) local.add(p);
    for (const [key, value] of Object.entries(event)) if (key.includes(':')) extensionKey(key, value, `${base}/${i}`, local, 'event', out);
    const ilmd = event.ilmd;
    if (!isObj(ilmd)) return;
    for (const [key, value] of Object.entries(ilmd)) extensionKey(key, value, `${base}/${i}/ilmd`, local, 'ILMD', out);
  });
  return out.slice(0, MAX_PROBLEMS);
}

/** The @context names GS1's EPCIS context and leaves its prefixes as GS1 defined them. */
function checkContext(context: unknown, out: EpcisProblem[]): void {
  const entries = Array.isArray(context) ? context : [context];
  if (!entries.some((c) => typeof c === 'string' && EPCIS_CONTEXT_IRIS.has(c)))
    out.push({
      path: '/@context',
      rule: 'EPCIS context',
      message: 'the @context does not include GS1\'s EPCIS 2.0 context (https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld), which gives the event fields and cbvmda their meaning',
    });
  entries.forEach((entry, n) => {
    if (!isObj(entry)) return;
    for (const [prefix, value] of Object.entries(entry)) {
      const standard = EPCIS_CONTEXT_PREFIX_IRIS.get(prefix);
      const iri = typeof value === 'string' ? value : isObj(value) ? value['@id'] : value;
      if (standard !== undefined && iri !== standard)
        out.push({ path: `/@context/${n}/${prefix}`, rule: 'EPCIS context', message: `the prefix "${prefix}" is defined by the EPCIS context as ${standard} and may not be redefined (here ${JSON.stringify(value)})` });
    }
  });
}

/** One extension key and, at any depth, the prefixed keys inside its value (plain keys inside a value are the extension's own). */
function extensionKey(key: string, value: unknown, base: string, known: ReadonlySet<string>, where: 'document' | 'event' | 'ILMD' | 'extension', out: EpcisProblem[]): void {
  if (key.startsWith('@')) return;
  const path = pointer(base, key);
  const colon = key.indexOf(':');
  if (colon <= 0) {
    // Inside an extension's value a plain key ("id", "part1") is the extension's own business:
    // GS1's schema and the XML binding (xsd:any, lax) leave it alone, the EPCIS context aliases
    // some (id, type), and RxLedger reads nothing there. Its prefixed keys are still checked.
    if (where === 'extension') {
      nestedKeys(value, path, known, out);
      return;
    }
    out.push({
      path,
      rule: 'namespace prefix',
      message: `the ILMD key "${key}" has no namespace prefix; a user extension must be written prefix:name with the prefix in @context (e.g. "cbvmda:${key}" for CBV master data)`,
    });
    return;
  }
  const prefix = key.slice(0, colon);
  if (!isFullIri(prefix) && !known.has(prefix)) {
    const what = where === 'ILMD' ? 'the ILMD key' : where === 'extension' ? 'the key' : `the ${where}'s extension key`;
    out.push({ path, rule: 'namespace prefix', message: `${what} "${key}" uses the prefix "${prefix}", which the document's @context does not declare` });
  }
  nestedKeys(value, path, known, out);
}

function nestedKeys(value: unknown, path: string, known: ReadonlySet<string>, out: EpcisProblem[]): void {
  if (Array.isArray(value)) value.forEach((v, n) => nestedKeys(v, `${path}/${n}`, known, out));
  else if (isObj(value)) {
    const inner = isObj(value['@context']) || Array.isArray(value['@context']) ? new Set([...known, ...declaredPrefixes(value['@context'])]) : known;
    for (const [k, v] of Object.entries(value)) extensionKey(k, v, path, inner, 'extension', out);
  }
}

/** "/epcisBody/eventList/0/eventTime: must match format "date-time" (schema format date-time)". */
export function formatProblems(problems: readonly EpcisProblem[], limit = 5): string {
  const shown = problems.slice(0, limit).map((p) => `${p.path}: ${p.message} (${p.rule})`);
  const more = problems.length > limit ? `; and ${problems.length - limit} more` : '';
  return shown.join('; ') + more;
}
