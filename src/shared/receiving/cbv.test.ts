import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CBV_VALUES, cbvProblem, type CbvVocabulary } from './cbv';

describe('CBV 2.0 values', () => {
  it("are the lists GS1's EPCIS 2.0 JSON Schema enumerates, no more and no fewer", () => {
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../../resources/standards/epcis/json-schema/EPCIS-JSON-Schema.json'), 'utf8')) as {
      definitions: Record<string, { anyOf: Array<{ enum?: string[] }> }>;
    };
    const listed = (definition: string) => new Set(schema.definitions[definition]!.anyOf.find((a) => a.enum)!.enum);
    const of: Record<CbvVocabulary, string> = { BizStep: 'bizStep', Disp: 'disposition', BTT: 'bizTransaction-type', SDT: 'source-dest-type', ER: 'error-reason' };
    for (const [vocab, definition] of Object.entries(of)) expect(CBV_VALUES[vocab as CbvVocabulary], vocab).toEqual(listed(definition));
  });

  it('are read in all three spellings, and a URI of a namespace of its own is an extension', () => {
    for (const v of ['shipping', 'https://ref.gs1.org/cbv/BizStep-shipping', 'cbv:BizStep-shipping', 'urn:epcglobal:cbv:bizstep:shipping', 'https://example.com/steps/relabelling', 'urn:example:step:x'])
      expect(cbvProblem('BizStep', v), v).toBeNull();
    expect(cbvProblem('Disp', 'urn:epcglobal:cbv:disp:in_transit')).toBeNull();
    expect(cbvProblem('BTT', 'https://ref.gs1.org/cbv/BTT-desadv')).toBeNull();
    expect(cbvProblem('SDT', 'urn:epcglobal:cbv:sdt:owning_party')).toBeNull();
    expect(cbvProblem('ER', 'incorrect_data')).toBeNull();
    // The host GS1's schema also reserves for CBV, and a URN scheme written in capitals.
    expect(cbvProblem('BizStep', 'https://ns.gs1.org/cbv/BizStep-shipping')).toBeNull();
    expect(cbvProblem('BizStep', 'URN:epcglobal:cbv:bizstep:shipping')).toBeNull();
  });

  it("refuses a value in GS1's CBV namespace that CBV does not define, in another vocabulary, or of another case", () => {
    expect(cbvProblem('BizStep', 'https://ref.gs1.org/cbv/BizStep-shippping')).toBe(
      `is in GS1's CBV namespace but "shippping" is not a business step CBV 2.0 defines (a value of one's own must use a namespace of one's own)`,
    );
    expect(cbvProblem('BizStep', 'urn:epcglobal:cbv:bizstep:Shipping')).toContain('"Shipping" is not a business step CBV 2.0 defines');
    expect(cbvProblem('BizStep', 'urn:epcglobal:cbv:disp:in_transit')).toBe('is a CBV disposition, where a business step belongs');
    expect(cbvProblem('Disp', 'https://ref.gs1.org/cbv/BizStep-shipping')).toBe('is a CBV business step, where a disposition belongs');
    expect(cbvProblem('BTT', 'urn:epcglobal:cbv:btt:invoice')).toContain('"invoice" is not a business transaction type CBV 2.0 defines');
    expect(cbvProblem('SDT', 'urn:epcglobal:cbv:mda:location')).toBe('is a CBV master-data attribute, not a source/destination type');
    expect(cbvProblem('BizStep', 'urn:epcglobal:cbv:step:shipping')).toBe(
      `is in GS1's CBV namespace but names no CBV vocabulary ("step"); a business step there is urn:epcglobal:cbv:bizstep:…`,
    );
    expect(cbvProblem('BizStep', 'https://ns.gs1.org/cbv/BizStep-shippping')).toContain('"shippping" is not a business step CBV 2.0 defines');
    expect(cbvProblem('BizStep', 'URN:EPCGLOBAL:cbv:bizstep:shippping')).toContain('"shippping" is not a business step CBV 2.0 defines');
    expect(cbvProblem('ER', 'urn:epcglobal:cbv:er:x')).toContain('"x" is not an error reason CBV 2.0 defines');
    expect(cbvProblem('SDT', 'cbv:my_own_party')).toBe("is in GS1's CBV namespace but is no CBV value (they are written Vocabulary-word there, e.g. https://ref.gs1.org/cbv/SDT-…)");
    expect(cbvProblem('BizStep', 'https://ref.gs1.org/cbv/shipping')).toContain('is no CBV value');
    expect(cbvProblem('BizStep', 'urn:epcglobal:cbv:bizstep')).toBe("is in GS1's CBV namespace but is no CBV value (they are written urn:epcglobal:cbv:bizstep:word there)");
    // A JSON-LD prefix is case-sensitive: "CBV:" is a prefix of the document's own.
    expect(cbvProblem('BizStep', 'CBV:relabelling')).toBeNull();
    expect(cbvProblem('BizStep', 'shippping')).toBe("is neither a business step of the GS1 Core Business Vocabulary (CBV 2.0) nor a URI of a vocabulary of one's own");
  });
});
