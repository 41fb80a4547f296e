import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

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

function describe(e: ErrorObject): EpcisProblem {
  // A propertyNames error is about a key: point at the key itself.
  const key = (e as ErrorObject & { propertyName?: string }).propertyName;
  const path = (key !== undefined ? `${e.instancePath}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}` : e.instancePath) || '/';
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
    for (const e of validate.errors ?? []) {
      if (WRAPPERS.has(e.keyword)) continue;
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
export const EPCIS_CONTEXT_PREFIXES: ReadonlySet<string> = new Set(['epcis', 'cbv', 'cbvmda', 'gs1', 'rdfs', 'owl', 'xsd', 'dcterms']);

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

/**
 * Rules RxLedger applies to a schema-valid EPCIS 2.0 JSON document before reading it. EPCIS 2.0
 * §7.1.6 / the JSON-LD binding: a user extension key must be a compact IRI ("ext1:lotInfo") whose
 * prefix the document's @context declares (or the EPCIS context defines), or a full IRI. GS1's
 * schema only requires ILMD keys to be URIs, which "example:field" with an undeclared prefix is.
 * An unprefixed key has no meaning in JSON-LD: it would be dropped, and with it a lot or expiry.
 */
export function epcisJsonRules(doc: unknown): EpcisProblem[] {
  if (!isObj(doc)) return [];
  const out: EpcisProblem[] = [];
  const known = new Set([...EPCIS_CONTEXT_PREFIXES, ...declaredPrefixes(doc['@context'])]);
  const body = isObj(doc.epcisBody) ? doc.epcisBody : {};
  let list = body.eventList;
  if (list === undefined && isObj(body.queryResults) && isObj(body.queryResults.resultsBody)) list = body.queryResults.resultsBody.eventList;
  const base = list === body.eventList ? '/epcisBody/eventList' : '/epcisBody/queryResults/resultsBody/eventList';
  if (!Array.isArray(list)) return out;
  list.forEach((event, i) => {
    if (!isObj(event)) return;
    const local = declaredPrefixes(event['@context']);
    for (const p of known) local.add(p);
    const ilmd = event.ilmd;
    if (!isObj(ilmd)) return;
    for (const key of Object.keys(ilmd)) {
      const path = `${base}/${i}/ilmd/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const colon = key.indexOf(':');
      if (colon <= 0) {
        out.push({ path, rule: 'namespace prefix', message: `the ILMD key "${key}" has no namespace prefix; a user extension must be written prefix:name with the prefix in @context (e.g. "cbvmda:${key}" for CBV master data)` });
        continue;
      }
      const prefix = key.slice(0, colon);
      if (/^(https?|urn)$/i.test(prefix)) continue; // a full IRI
      if (!local.has(prefix))
        out.push({ path, rule: 'namespace prefix', message: `the ILMD key "${key}" uses the prefix "${prefix}", which the document's @context does not declare` });
    }
  });
  return out.slice(0, MAX_PROBLEMS);
}

/** "/epcisBody/eventList/0/eventTime: must match format "date-time" (schema format date-time)". */
export function formatProblems(problems: readonly EpcisProblem[], limit = 5): string {
  const shown = problems.slice(0, limit).map((p) => `${p.path}: ${p.message} (${p.rule})`);
  const more = problems.length > limit ? `; and ${problems.length - limit} more` : '';
  return shown.join('; ') + more;
}
