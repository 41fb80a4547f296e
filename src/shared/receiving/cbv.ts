/**
 * The GS1 Core Business Vocabulary (CBV 2.0) values EPCIS events name their business step,
 * disposition, business transaction type, source/destination type and error reason with.
 * The lists are the standard's own, as GS1's EPCIS 2.0 JSON Schema enumerates them
 * (resources/standards/epcis/json-schema; a test holds these sets to it).
 *
 * CBV 2.0 gives each value three spellings: the bare word of EPCIS 2.0 JSON ("shipping"), the
 * Web URI (https://ref.gs1.org/cbv/BizStep-shipping, compact "cbv:BizStep-shipping") and the URN
 * of EPCIS 1.2 (urn:epcglobal:cbv:bizstep:shipping). A company's own value is a URI in a namespace
 * of its own; GS1's CBV namespaces hold only what CBV defines, so a value there that CBV does not
 * list (a misspelt "BizStep-shippping") is an error, not an extension — and read as one, the
 * event would quietly not be the shipment it was meant to be.
 */

export type CbvVocabulary = 'BizStep' | 'Disp' | 'BTT' | 'SDT' | 'ER';

const words = (text: string): ReadonlySet<string> => new Set(text.split(' '));

export const CBV_VALUES: Readonly<Record<CbvVocabulary, ReadonlySet<string>>> = {
  BizStep: words(
    'accepting arriving assembling collecting commissioning consigning creating_class_instance cycle_counting decommissioning departing ' +
      'destroying disassembling dispensing encoding entering_exiting holding inspecting installing killing loading other packing picking ' +
      'receiving removing repackaging repairing replacing reserving retail_selling shipping staging_outbound stock_taking stocking storing ' +
      'transporting unloading unpacking void_shipping sensor_reporting sampling',
  ),
  Disp: words(
    'active container_closed damaged destroyed dispensed disposed encoded expired in_progress in_transit inactive no_pedigree_match ' +
      'non_sellable_other partially_dispensed recalled reserved retail_sold returned sellable_accessible sellable_not_accessible stolen unknown ' +
      'available completeness_verified completeness_inferred conformant container_open mismatch_instance mismatch_class mismatch_quantity ' +
      'needs_replacement non_conformant unavailable',
  ),
  BTT: words('bol cert desadv inv pedigree po poc prodorder recadv rma testprd testres upevt'),
  SDT: words('owning_party possessing_party location'),
  ER: words('did_not_occur incorrect_data'),
};

/** What each vocabulary is called in words, and in its URN (CBV 2.0 §8: urn:epcglobal:cbv:bizstep:…). */
const NAMES: Readonly<Record<CbvVocabulary, { words: string; urn: string }>> = {
  BizStep: { words: 'business step', urn: 'bizstep' },
  Disp: { words: 'disposition', urn: 'disp' },
  BTT: { words: 'business transaction type', urn: 'btt' },
  SDT: { words: 'source/destination type', urn: 'sdt' },
  ER: { words: 'error reason', urn: 'er' },
};
const BY_URN = new Map(Object.entries(NAMES).map(([vocab, n]) => [n.urn, vocab as CbvVocabulary]));

/**
 * The URN scheme and namespace id are case-insensitive (RFC 8141); the vocabulary part is read
 * without regard to case too, as cbvWord reads it. The CBV words must match exactly.
 */
const URN = /^urn:epcglobal:cbv:([A-Za-z]+):(.*)$/i;
/** ref.gs1.org is CBV 2.0's; GS1's EPCIS JSON Schema also reserves ns.gs1.org/cbv/ for CBV. */
const WEB = /^(?:https?:\/\/(?:ref|ns)\.gs1\.org\/cbv\/|cbv:)([A-Za-z]+)-(.*)$/;

/** GS1's CBV namespace in any spelling, whatever follows (a JSON-LD prefix is case-sensitive: "CBV:" is someone else's). */
const CBV_NAMESPACE = /^(?:https?:\/\/(?:ref|ns)\.gs1\.org\/cbv\/|cbv:)/;
const CBV_URN_NAMESPACE = /^urn:epcglobal:cbv:/i;

/**
 * The word of a CBV value in any of its spellings ("urn:epcglobal:cbv:bizstep:shipping",
 * "https://ref.gs1.org/cbv/BizStep-shipping", "cbv:BizStep-shipping" → "shipping"); any other
 * value as it is.
 */
export function cbvWord(value: string): string {
  const m = URN.exec(value) ?? WEB.exec(value);
  return m ? m[2]! : value;
}

/** "a business step", "an error reason". */
const article = (words: string) => `${/^[aeiou]/.test(words) ? 'an' : 'a'} ${words}`;

/**
 * Why `value` is no `vocab` value, or null when it is one: a CBV value in any of its spellings,
 * or a URI of someone's own namespace. The word must match CBV's exactly (CBV values are case
 * sensitive: "Shipping" is not "shipping").
 */
export function cbvProblem(vocab: CbvVocabulary, value: string): string | null {
  const name = NAMES[vocab].words;
  const urn = URN.exec(value);
  const web = urn ? null : WEB.exec(value);
  if (!urn && !web) {
    if (CBV_URN_NAMESPACE.test(value)) return `is in GS1's CBV namespace but is no CBV value (they are written urn:epcglobal:cbv:${NAMES[vocab].urn}:word there)`;
    if (CBV_NAMESPACE.test(value)) return `is in GS1's CBV namespace but is no CBV value (they are written Vocabulary-word there, e.g. https://ref.gs1.org/cbv/${vocab}-…)`;
    if (value.includes(':')) return null;
    return CBV_VALUES[vocab].has(value) ? null : `is neither ${article(name)} of the GS1 Core Business Vocabulary (CBV 2.0) nor a URI of a vocabulary of one's own`;
  }
  const [, kind = '', word = ''] = urn ?? web!;
  const named = urn ? BY_URN.get(kind.toLowerCase()) : (Object.hasOwn(NAMES, kind) ? (kind as CbvVocabulary) : undefined);
  if (urn && kind.toLowerCase() === 'mda') return `is a CBV master-data attribute, not ${article(name)}`;
  if (named !== vocab) {
    return named
      ? `is a CBV ${NAMES[named].words}, where ${article(name)} belongs`
      : `is in GS1's CBV namespace but names no CBV vocabulary ("${kind}"); ${article(name)} there is ${urn ? `urn:epcglobal:cbv:${NAMES[vocab].urn}:…` : `https://ref.gs1.org/cbv/${vocab}-…`}`;
  }
  return CBV_VALUES[vocab].has(word)
    ? null
    : `is in GS1's CBV namespace but "${word}" is not ${article(name)} CBV 2.0 defines (a value of one's own must use a namespace of one's own)`;
}
