import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { validateXML, type XMLFileInfo } from 'xmllint-wasm';
import { parseEpcis } from '../../shared/receiving/epcis';
import { compileEpcisJsonSchema, epcisJsonRules, formatProblems, type EpcisJsonCheck, type EpcisProblem } from '../../shared/receiving/epcis-validate';
import type { ParseShipmentResult } from '../../shared/receiving/types';
import { collapseDateWhitespace } from './xsd-whitespace';

/**
 * EPCIS shipment files are held to GS1's published schemas before RxLedger reads them:
 * 2.0 JSON / JSON-LD against the EPCIS JSON Schema (ajv), 1.2 and 2.0 XML against the XSDs
 * (libxml2 compiled to WebAssembly, xmllint-wasm, in a worker thread), then RxLedger's own
 * rules, then the reader (src/shared/receiving/epcis.ts). The schemas ship in
 * resources/standards (resources/standards/README.md has their source and terms).
 */

const SCHEMA_FILE = join('epcis', 'json-schema', 'EPCIS-JSON-Schema.json');

/** resources/standards: in the packaged app beside the asar; in a checkout or build, found upwards from this file. */
export function standardsDir(): string {
  const candidates: string[] = [];
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) candidates.push(join(resourcesPath, 'standards'));
  let dir = import.meta.dirname;
  for (let i = 0; i < 5; i++) {
    candidates.push(join(dir, 'resources', 'standards'));
    dir = dirname(dir);
  }
  const found = candidates.find((c) => existsSync(join(c, SCHEMA_FILE)));
  if (!found) throw new Error(`the GS1 EPCIS schemas are missing (looked for resources/standards in ${candidates.join(', ')}); reinstall RxLedger`);
  return found;
}

let jsonCheck: EpcisJsonCheck | null = null;

/** The compiled EPCIS JSON Schema: compiled once per process, on first use (about 0.5 s). */
export function epcisJsonCheck(): EpcisJsonCheck {
  jsonCheck ??= compileEpcisJsonSchema(JSON.parse(readFileSync(join(standardsDir(), SCHEMA_FILE), 'utf8')) as object);
  return jsonCheck;
}

interface XsdSet {
  label: string;
  main: XMLFileInfo;
  imports: XMLFileInfo[];
}

const XSD_SETS: Record<string, { label: string; folder: string; main: string }> = {
  'urn:epcglobal:epcis:xsd:1': { label: 'EPCIS 1.2 XSD', folder: 'xsd-1.2', main: 'EPCglobal-epcis-1_2.xsd' },
  'urn:epcglobal:epcis-query:xsd:1': { label: 'EPCIS 1.2 query XSD', folder: 'xsd-1.2', main: 'EPCglobal-epcis-query-1_2.xsd' },
  'urn:epcglobal:epcis:xsd:2': { label: 'EPCIS 2.0 XSD', folder: 'xsd-2.0', main: 'EPCglobal-epcis-2_0.xsd' },
  'urn:epcglobal:epcis-query:xsd:2': { label: 'EPCIS 2.0 query XSD', folder: 'xsd-2.0', main: 'EPCglobal-epcis-query-2_0.xsd' },
};
const xsdCache = new Map<string, XsdSet>();

function xsdSet(namespace: string): XsdSet | null {
  const spec = XSD_SETS[namespace];
  if (!spec) return null;
  let set = xsdCache.get(namespace);
  if (!set) {
    const folder = join(standardsDir(), 'epcis', spec.folder);
    const files = readdirSync(folder)
      .filter((f) => f.endsWith('.xsd'))
      .map((f) => ({ fileName: f, contents: readFileSync(join(folder, f), 'utf8') }));
    const main = files.find((f) => f.fileName === spec.main);
    if (!main) throw new Error(`${spec.main} is missing from ${folder}; reinstall RxLedger`);
    set = { label: spec.label, main, imports: files.filter((f) => f !== main) };
    xsdCache.set(namespace, set);
  }
  return set;
}

/** The namespace of the document element ("urn:epcglobal:epcis:xsd:1"), read from its start tag. */
export function rootNamespace(xml: string): string | null {
  const body = xml.replace(/^\uFEFF/, '').replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, '').trimStart();
  const tag = /^<([A-Za-z_][\w.-]*)(?::([A-Za-z_][\w.-]*))?([^>]*)>/.exec(body);
  if (!tag) return null;
  const prefix = tag[2] !== undefined ? tag[1] : null;
  const attrs = tag[3] ?? '';
  const re = prefix ? new RegExp(`xmlns:${prefix.replace(/[.-]/g, '\\$&')}\\s*=\\s*["']([^"']*)["']`) : /xmlns\s*=\s*["']([^"']*)["']/;
  return re.exec(attrs)?.[1] ?? null;
}

const NAMESPACE_RULE = 'EPCIS namespace';

/** WebAssembly pages (64 KiB) libxml2 may grow to: 512 MiB, room for EPCIS files of many thousand serials. */
const XML_MAX_MEMORY_PAGES = 8192;

/** Validates an EPCIS XML document against the XSD of its namespace; problems name the line, the element and the rule. */
export async function validateEpcisXml(xml: string): Promise<EpcisProblem[]> {
  const namespace = rootNamespace(xml);
  const set = namespace ? xsdSet(namespace) : null;
  if (!set) {
    return [{ path: 'line 1', rule: NAMESPACE_RULE, message: `the document element's namespace is ${namespace ? `"${namespace}"` : 'missing'}; an EPCIS document is in urn:epcglobal:epcis:xsd:1 (1.2) or urn:epcglobal:epcis:xsd:2 (2.0)` }];
  }
  const result = await validateXML({
    // libxml2 refuses blanks before a date's year, which XML Schema allows (xsd-whitespace.ts).
    xml: { fileName: 'shipment.xml', contents: collapseDateWhitespace(xml.replace(/^\uFEFF/, '')) },
    schema: set.main,
    preload: set.imports,
    maxMemoryPages: XML_MAX_MEMORY_PAGES,
  });
  if (result.valid) return [];
  const problems = result.errors.map((e) => ({
    path: e.loc ? `line ${e.loc.lineNumber}` : 'document',
    rule: set.label,
    message: e.message.replace(/^(Schemas validity error|parser error)\s*:\s*/i, '').trim(),
  }));
  return problems.length ? problems : [{ path: 'document', rule: set.label, message: result.rawOutput.trim() || 'the document does not validate' }];
}

/**
 * An EPCIS shipment file, validated and read. Refusals name the JSON path or XML line and
 * element, and the rule. Never throws for what the file holds.
 */
export async function readEpcisShipment(text: string, fileName: string | null = null): Promise<ParseShipmentResult> {
  const t = text.replace(/^\uFEFF/, '').trim();
  if (t.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(t);
    } catch (err) {
      return { ok: false, error: `the EPCIS document is not JSON: ${(err as Error).message}` };
    }
    const schemaProblems = epcisJsonCheck()(doc);
    if (schemaProblems.length) return { ok: false, error: `the EPCIS document does not follow GS1's EPCIS 2.0 JSON schema: ${formatProblems(schemaProblems)}` };
    const ruleProblems = epcisJsonRules(doc);
    if (ruleProblems.length) return { ok: false, error: `the EPCIS document breaks an EPCIS 2.0 rule: ${formatProblems(ruleProblems)}` };
    return parseEpcis(t, fileName);
  }
  if (t.startsWith('<')) {
    let problems: EpcisProblem[];
    try {
      problems = await validateEpcisXml(t);
    } catch (err) {
      // A refusal, not a pass: a document that was not checked is not read.
      return { ok: false, error: `the EPCIS XML could not be checked against the GS1 XSD (xmllint-wasm: ${(err as Error).message}); nothing was read` };
    }
    const first = problems[0];
    if (first?.rule === NAMESPACE_RULE) return { ok: false, error: `the file is not an EPCIS XML document: ${first.message}` };
    if (first) return { ok: false, error: `the EPCIS document does not follow the ${first.rule}: ${formatProblems(problems.map((p) => ({ ...p, rule: 'xsd' })))}` };
    return parseEpcis(t, fileName);
  }
  return parseEpcis(t, fileName);
}
