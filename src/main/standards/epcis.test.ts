import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corporaPresent, corporaSkipReason, corpusPath } from '../../testing/corpora';
import { tempWorkstation } from '../../testing/temp-workstation';
import { dispatch, type HandlerTable } from '../ipc/dispatch';
import { coreHandlers } from '../ipc/handlers';
import { receivingHandlers } from '../ipc/receiving-handlers';
import { readEpcisShipment, rootNamespace, validateEpcisXml } from './epcis';

// Documents written for these tests: a commissioning of two units of lot L7 and their shipping.
const json20 = () => ({
  '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { rx: 'https://example.org/rxledger-test/' }],
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2026-05-01T10:00:00Z',
  epcisBody: {
    eventList: [
      {
        type: 'ObjectEvent',
        eventTime: '2026-05-01T09:00:00Z',
        eventTimeZoneOffset: '+00:00',
        epcList: ['urn:epc:id:sgtin:030001.0012345.S1', 'urn:epc:id:sgtin:030001.0012345.S2'],
        action: 'ADD',
        bizStep: 'commissioning',
        ilmd: { 'cbvmda:lotNumber': 'L7', 'cbvmda:itemExpirationDate': '2028-01-31', 'rx:packedBy': 'line 3' },
      },
      {
        type: 'ObjectEvent',
        eventTime: '2026-05-01T09:30:00Z',
        eventTimeZoneOffset: '+00:00',
        epcList: ['urn:epc:id:sgtin:030001.0012345.S1', 'urn:epc:id:sgtin:030001.0012345.S2'],
        action: 'OBSERVE',
        bizStep: 'shipping',
        bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0300010000005:PO-77' }],
      },
    ],
  },
});

const xml12 = (eventTime = '2026-05-01T09:00:00Z', ilmd = '<cbvmda:lotNumber>L7</cbvmda:lotNumber><cbvmda:itemExpirationDate>2028-01-31</cbvmda:itemExpirationDate>') => `<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" xmlns:cbvmda="urn:epcglobal:cbv:mda" schemaVersion="1.2" creationDate="2026-05-01T10:00:00Z">
  <EPCISBody>
    <EventList>
      <ObjectEvent>
        <eventTime>${eventTime}</eventTime>
        <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
        <epcList><epc>urn:epc:id:sgtin:030001.0012345.S1</epc><epc>urn:epc:id:sgtin:030001.0012345.S2</epc></epcList>
        <action>ADD</action>
        <bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>
        <extension><ilmd>${ilmd}</ilmd></extension>
      </ObjectEvent>
    </EventList>
  </EPCISBody>
</epcis:EPCISDocument>
`;

const refusal = async (text: string) => {
  const r = await readEpcisShipment(text, 'test');
  if (r.ok) throw new Error('accepted');
  return r.error;
};

describe('EPCIS 2.0 JSON: GS1 JSON Schema, then RxLedger rules, then the reader', () => {
  it('a sound document is read', async () => {
    const r = await readEpcisShipment(JSON.stringify(json20()), 'ok.json');
    expect(r.ok && r.shipment.lines).toEqual([expect.objectContaining({ gtin: '00300010123455', lot: 'L7', expiry: '2028-01-31', quantity: 2 })]);
    expect(r.ok && r.shipment.poNumber).toBe('PO-77');
  });

  it('eventTime that is not a date-time: refused, naming the JSON path and the rule', async () => {
    const doc = json20();
    doc.epcisBody.eventList[1]!.eventTime = '2026-02-30T09:30:00Z';
    expect(await refusal(JSON.stringify(doc))).toBe(
      'the EPCIS document does not follow GS1\'s EPCIS 2.0 JSON schema: /epcisBody/eventList/1/eventTime: must match format "date-time" (schema format date-time)',
    );
  });

  it('an ILMD user extension key without namespace prefix: refused by the schema (keys are URIs)', async () => {
    const doc = json20();
    (doc.epcisBody.eventList[0]!.ilmd as Record<string, string>).lotNumber = 'L7';
    expect(await refusal(JSON.stringify(doc))).toBe(
      'the EPCIS document does not follow GS1\'s EPCIS 2.0 JSON schema: /epcisBody/eventList/0/ilmd/lotNumber: the key "lotNumber" is not a URI (uri): an extension key needs a namespace prefix declared in @context (schema format uri)',
    );
  });

  it('an ILMD key whose prefix the @context does not declare: refused by RxLedger\'s rule (the schema lets it through)', async () => {
    const doc = json20();
    (doc.epcisBody.eventList[0]!.ilmd as Record<string, string>)['acme:batch'] = 'L7';
    expect(await refusal(JSON.stringify(doc))).toBe(
      'the EPCIS document breaks an EPCIS 2.0 rule: /epcisBody/eventList/0/ilmd/acme:batch: the ILMD key "acme:batch" uses the prefix "acme", which the document\'s @context does not declare (namespace prefix)',
    );
  });

  it('a missing required field and a wrong action: every problem listed with its path', async () => {
    const doc = json20() as { epcisBody: { eventList: Array<Record<string, unknown>> } };
    delete doc.epcisBody.eventList[0]!.eventTime;
    doc.epcisBody.eventList[1]!.action = 'SHIP';
    const error = await refusal(JSON.stringify(doc));
    expect(error).toContain('/epcisBody/eventList/0: must have required property \'eventTime\' (schema required eventTime)');
    expect(error).toContain('/epcisBody/eventList/1/action: must be equal to one of the allowed values: ["OBSERVE","ADD","DELETE"] (schema enum)');
  });

  it('a lowercase action is named once, without the alternatives it made fail ("must match pattern ^ADD$", "ilmd: must NOT be valid")', async () => {
    const doc = json20() as { epcisBody: { eventList: Array<Record<string, unknown>> } };
    doc.epcisBody.eventList[0]!.action = 'add';
    expect(await refusal(JSON.stringify(doc))).toBe(
      'the EPCIS document does not follow GS1\'s EPCIS 2.0 JSON schema: /epcisBody/eventList/0/action: must be equal to one of the allowed values: ["OBSERVE","ADD","DELETE"] (schema enum)',
    );
    // Another event's own fault (an ILMD on an OBSERVE event) is still named.
    doc.epcisBody.eventList[1]!.ilmd = { 'cbvmda:lotNumber': 'L8' };
    const both = await refusal(JSON.stringify(doc));
    expect(both).toContain('/epcisBody/eventList/0/action: must be equal to one of the allowed values');
    expect(both).toContain('/epcisBody/eventList/1/ilmd: must NOT be valid');
  });

  it('not JSON at all', async () => {
    expect(await refusal('{"type": "EPCISDocument",')).toMatch(/^the EPCIS document is not JSON: /);
  });

  it.skipIf(!corporaPresent)(`a document written by others (openepcis, every field) passes the schema and is read${corporaPresent ? '' : ` — ${corporaSkipReason}`}`, async () => {
    const r = await readEpcisShipment(readFileSync(corpusPath('epcis', 'openepcis_2.0_ObjectEvent_all_possible_fields.json'), 'utf8'), 'x.json');
    expect(r.ok && r.shipment.lines[0]).toMatchObject({ lot: 'ABC123' });
  });
});

describe('EPCIS 2.0 JSON: what the schema lets through and RxLedger refuses (written wrong for the test)', () => {
  type Doc = ReturnType<typeof json20> & Record<string, unknown>;
  const event0 = (d: Doc) => d.epcisBody.eventList[0] as unknown as Record<string, unknown>;
  const edited = (edit: (d: Doc) => void) => {
    const d = json20() as Doc;
    edit(d);
    return JSON.stringify(d);
  };

  it("a CBV value GS1's CBV namespace does not define is refused, naming the event, the field and the value (the schema lets any URI through)", async () => {
    const misspelt = edited((d) => {
      (d.epcisBody.eventList[1] as Record<string, unknown>).bizStep = 'https://ref.gs1.org/cbv/BizStep-shippping';
    });
    expect(await refusal(misspelt)).toBe(
      `the EPCIS document cannot be used: the ObjectEvent at 2026-05-01T09:30:00Z has bizStep "https://ref.gs1.org/cbv/BizStep-shippping", which is in GS1's CBV namespace but "shippping" is not a business step CBV 2.0 defines (a value of one's own must use a namespace of one's own) (GS1 Core Business Vocabulary 2.0)`,
    );
    const wrongType = edited((d) => {
      (d.epcisBody.eventList[1] as Record<string, unknown>).bizTransactionList = [{ type: 'https://ref.gs1.org/cbv/BTT-purchase_order', bizTransaction: 'urn:epcglobal:cbv:bt:0300010000005:PO-77' }];
    });
    expect(await refusal(wrongType)).toContain('has a business transaction of type "https://ref.gs1.org/cbv/BTT-purchase_order", which is in GS1\'s CBV namespace but "purchase_order" is not a business transaction type CBV 2.0 defines');
    const disposition = edited((d) => {
      event0(d).disposition = 'https://ref.gs1.org/cbv/BizStep-active';
    });
    expect(await refusal(disposition)).toContain('has disposition "https://ref.gs1.org/cbv/BizStep-active", which is a CBV business step, where a disposition belongs');
    // The Web URI of a CBV value and a value of one's own namespace are read as before.
    const spelt = edited((d) => {
      (d.epcisBody.eventList[1] as Record<string, unknown>).bizStep = 'https://ref.gs1.org/cbv/BizStep-shipping';
      event0(d).disposition = 'https://example.org/rxledger-test/disp/quarantined';
    });
    const r = await readEpcisShipment(spelt, 'ok.json');
    expect(r.ok && r.shipment.poNumber).toBe('PO-77');
  });

  it('a type that only contains "EPCISDocument" is not a document (the schema would check it as an event)', async () => {
    // With an eventTime and offset of its own, GS1's schema takes it for an extension event and never looks at its body.
    const disguised = edited((d) => Object.assign(d, { type: 'epcis:EPCISDocument', eventTime: '2026-05-01T09:00:00Z', eventTimeZoneOffset: '+00:00' }));
    expect(await refusal(disguised)).toBe(
      'the EPCIS document breaks an EPCIS 2.0 rule: /type: the document\'s type is "epcis:EPCISDocument"; an EPCIS document is "EPCISDocument" (or "EPCISQueryDocument") (document type)',
    );
  });

  it('the @context must include GS1\'s EPCIS context and may not redefine its prefixes', async () => {
    expect(await refusal(edited((d) => (d['@context'] = ['https://example.com/ctx', { rx: 'https://example.org/rxledger-test/' }])))).toBe(
      "the EPCIS document breaks an EPCIS 2.0 rule: /@context: the @context does not include GS1's EPCIS 2.0 context (https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld), which gives the event fields and cbvmda their meaning (EPCIS context)",
    );
    expect(await refusal(edited((d) => (d['@context'] = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { rx: 'https://example.org/rxledger-test/', cbvmda: 'https://evil.example/' } as { rx: string }])))).toBe(
      'the EPCIS document breaks an EPCIS 2.0 rule: /@context/1/cbvmda: the prefix "cbvmda" is defined by the EPCIS context as urn:epcglobal:cbv:mda: and may not be redefined (here "https://evil.example/") (EPCIS context)',
    );
  });

  it('extension keys at the event\'s and the document\'s level, and prefixed keys inside an extension, need a declared prefix', async () => {
    expect(await refusal(edited((d) => (event0(d)['acme:note'] = 'x')))).toBe(
      'the EPCIS document breaks an EPCIS 2.0 rule: /epcisBody/eventList/0/acme:note: the event\'s extension key "acme:note" uses the prefix "acme", which the document\'s @context does not declare (namespace prefix)',
    );
    expect(await refusal(edited((d) => ((event0(d).ilmd as Record<string, unknown>)['rx:info'] = { part: { 'acme:x': 1 } })))).toBe(
      'the EPCIS document breaks an EPCIS 2.0 rule: /epcisBody/eventList/0/ilmd/rx:info/part/acme:x: the key "acme:x" uses the prefix "acme", which the document\'s @context does not declare (namespace prefix)',
    );
    // Plain keys inside an extension's value are the extension's own (GS1's schema and the XML
    // binding leave them alone; the EPCIS context aliases id and type): read as before.
    const nested = await readEpcisShipment(edited((d) => ((event0(d).ilmd as Record<string, unknown>)['rx:info'] = { id: 'x', part1: 1, more: { type: 'y' } })), 'ok.json');
    expect(nested.ok && nested.shipment.lines[0]).toMatchObject({ lot: 'L7' });
    expect(await refusal(edited((d) => (d['acme:x'] = 1)))).toContain('/acme:x: the document\'s extension key "acme:x" uses the prefix "acme"');
  });

  it('a lot or expiry under another namespace is not the CBV lot or expiry: not read, and the unit is said to lack them', async () => {
    const r = await readEpcisShipment(
      edited((d) => (event0(d).ilmd = { 'rx:lotNumber': 'EVIL', 'rx:itemExpirationDate': '2099-01-01' })),
      'x.json',
    );
    expect(r.ok && r.shipment.lines).toEqual([expect.objectContaining({ lot: null, expiry: null, quantity: 2 })]);
    expect(r.ok && r.shipment.warnings).toContain("2 unit(s) have no lot or no expiry in the document: DSCSA transaction information names both for each package; take them from the packages' labels");
  });

  it('an expiry that is not a real day is refused (CBV: xsd:date)', async () => {
    expect(await refusal(edited((d) => ((event0(d).ilmd as Record<string, unknown>)['cbvmda:itemExpirationDate'] = '2028-02-30')))).toBe(
      'the EPCIS document cannot be used: cbvmda:itemExpirationDate "2028-02-30" is not a date (xsd:date, YYYY-MM-DD, a real day)',
    );
  });

  it('an SGTIN outside the Tag Data Standard, or a Digital Link with a wrong check digit, is refused, not skipped', async () => {
    expect(await refusal(edited((d) => (event0(d).epcList = ['urn:epc:id:sgtin:03000.10012345.S1'])))).toBe(
      'the EPCIS document cannot be used: urn:epc:id:sgtin:03000.10012345.S1 is not a valid identifier (GS1 Tag Data Standard: a company prefix of 6–12 digits, with the item reference 13 digits for a GTIN and 17 for an SSCC; a serial or lot of at most 20 characters of GS1 set 82; in a Digital Link, a key with its check digit)',
    );
    expect(await refusal(edited((d) => (event0(d).epcList = [`urn:epc:id:sgtin:030001.0012345.${'A'.repeat(21)}`])))).toMatch(/is not a valid identifier/);
    expect(await refusal(edited((d) => (event0(d).epcList = ['https://id.gs1.org/01/00300010123456/21/S1'])))).toMatch(/^the EPCIS document cannot be used: https:\/\/id\.gs1\.org\/01\/00300010123456\/21\/S1 is not a valid identifier/);
  });

  it('one unit commissioned twice with different lots, or packed in two cases, is refused', async () => {
    expect(
      await refusal(
        edited((d) => {
          const again = { ...event0(d), ilmd: { 'cbvmda:lotNumber': 'L8', 'cbvmda:itemExpirationDate': '2029-01-31' } };
          d.epcisBody.eventList.splice(1, 0, again as (typeof d.epcisBody.eventList)[number]);
        }),
      ),
    ).toBe('the EPCIS document cannot be used: urn:epc:id:sgtin:030001.0012345.S1 is commissioned twice with different lot or expiry (L7, 2028-01-31; then L8, 2029-01-31)');
    const pack = (sscc: string) => ({
      type: 'AggregationEvent',
      eventTime: '2026-05-01T09:10:00Z',
      eventTimeZoneOffset: '+00:00',
      parentID: sscc,
      childEPCs: ['urn:epc:id:sgtin:030001.0012345.S1'],
      action: 'ADD',
      bizStep: 'packing',
    });
    expect(
      await refusal(
        edited((d) => d.epcisBody.eventList.splice(1, 0, pack('urn:epc:id:sscc:030001.00000000001') as never, pack('urn:epc:id:sscc:030001.00000000002') as never)),
      ),
    ).toBe(
      'the EPCIS document cannot be used: urn:epc:id:sgtin:030001.0012345.S1 is packed in two containers at once (urn:epc:id:sscc:030001.00000000001 and urn:epc:id:sscc:030001.00000000002): a unit or case is in one',
    );
  });

  it('an EPC that is not a URI is named once, without the other kinds of event it is not', async () => {
    expect(await refusal(edited((d) => (event0(d).epcList = ['not a uri'])))).toBe(
      'the EPCIS document does not follow GS1\'s EPCIS 2.0 JSON schema: /epcisBody/eventList/0/epcList/0: must match format "uri" (schema format uri)',
    );
  });
});

describe('EPCIS XML: the GS1 XSD of the document\'s namespace', () => {
  it('finds the namespace of the document element', () => {
    expect(rootNamespace(xml12())).toBe('urn:epcglobal:epcis:xsd:1');
    expect(rootNamespace('<?xml version="1.0"?><!-- x --><EPCISDocument xmlns="urn:epcglobal:epcis:xsd:2"/>')).toBe('urn:epcglobal:epcis:xsd:2');
    expect(rootNamespace('<a/>')).toBeNull();
  });

  it('a sound 1.2 document is read', async () => {
    const r = await readEpcisShipment(xml12(), 'ok.xml');
    expect(r.ok && r.shipment.lines).toEqual([expect.objectContaining({ lot: 'L7', expiry: '2028-01-31', quantity: 2 })]);
  });

  it('eventTime that is not a dateTime: refused, naming the line, the element and the XSD type', async () => {
    expect(await refusal(xml12('2026-05-01 09:00'))).toBe(
      "the EPCIS document does not follow the EPCIS 1.2 XSD: line 6: Element 'eventTime': '2026-05-01 09:00' is not a valid value of the atomic type 'xs:dateTime'. (xsd)",
    );
  });

  it('a date with blanks and new lines around it is a date (XML Schema collapses them; libxml2 alone refuses it), and later refusals keep their line', async () => {
    // eventTime, an expiry and creationDate as a pretty-printer writes them.
    const pretty = xml12('\n          2026-05-01T09:00:00Z\n        ')
      .replace('<cbvmda:itemExpirationDate>2028-01-31</cbvmda:itemExpirationDate>', '<cbvmda:itemExpirationDate>\n 2028-01-31 </cbvmda:itemExpirationDate>')
      .replace('creationDate="2026-05-01T10:00:00Z"', 'creationDate=" 2026-05-01T10:00:00Z"');
    expect(await validateEpcisXml(pretty)).toEqual([]);
    const r = await readEpcisShipment(pretty, 'pretty.xml');
    if (!r.ok) throw new Error(r.error);
    expect(r.shipment.lines).toEqual([expect.objectContaining({ lot: 'L7', expiry: '2028-01-31', quantity: 2 })]);
    // The action sits three lines below eventTime's value: its refusal still names line 11.
    const problems = await validateEpcisXml(pretty.replace('<action>ADD</action>', '<action>SHIP</action>'));
    expect(problems.map((p) => p.path)).toEqual(['line 11']);
    // Blanks do not make a wrong date right, and its refusal names its own line.
    expect(await refusal(xml12('\n  2026-05-01 09:00\n'))).toMatch(/^the EPCIS document does not follow the EPCIS 1\.2 XSD: line 6: Element 'eventTime'/);
    expect(await refusal(xml12('\n  2026-13-01T09:00:00Z\n  '))).toMatch(/^the EPCIS document does not follow the EPCIS 1\.2 XSD: line 6: Element 'eventTime': '2026-13-01T09:00:00Z' is not a valid value/);
  });

  it('an ILMD extension element without a namespace: refused by the XSD (ILMD takes elements of other namespaces only)', async () => {
    const error = await refusal(xml12(undefined, '<lotNumber>L7</lotNumber>'));
    expect(error).toMatch(/^the EPCIS document does not follow the EPCIS 1\.2 XSD: line 11: Element 'lotNumber': This element is not expected\./);
  });

  it('an action outside the XSD enumeration is named with the allowed values', async () => {
    const problems = await validateEpcisXml(xml12().replace('<action>ADD</action>', '<action>SHIP</action>'));
    expect(problems).toEqual([{ path: 'line 9', rule: 'EPCIS 1.2 XSD', message: expect.stringMatching(/^Element 'action': \[facet 'enumeration'\] The value 'SHIP' is not an element of the set \{'ADD', 'OBSERVE', 'DELETE'\}/) }]);
  });

  it('a document in no EPCIS namespace is refused before anything is read', async () => {
    expect(await refusal('<EPCISDocument><EPCISBody/></EPCISDocument>')).toBe(
      "the file is not an EPCIS XML document: the document element's namespace is missing; an EPCIS document is in urn:epcglobal:epcis:xsd:1 (1.2) or urn:epcglobal:epcis:xsd:2 (2.0)",
    );
  });

  it('elements of another namespace at the end of an event or in ILMD are extensions, never the standard field of the same name', async () => {
    const foreign = xml12(undefined, '<x:lotNumber xmlns:x="urn:example:x">EVIL</x:lotNumber>').replace(
      '<extension><ilmd>',
      '<x:bizStep xmlns:x="urn:example:x">urn:epcglobal:cbv:bizstep:shipping</x:bizStep><extension><ilmd>',
    );
    // The XSD takes the foreign element only after the standard ones: put it last.
    const reordered = foreign.replace(/(<x:bizStep[^]*?<\/x:bizStep>)(<extension>[^]*?<\/extension>)/, '$2$1');
    const r = await readEpcisShipment(reordered, 'x.xml');
    if (!r.ok) throw new Error(r.error);
    expect(r.shipment.lines).toEqual([expect.objectContaining({ lot: null, expiry: null, quantity: 2 })]);
    expect(r.shipment.warnings).toContain("2 unit(s) have no lot or no expiry in the document: DSCSA transaction information names both for each package; take them from the packages' labels");
  });

  it('an eventTimeZoneOffset not written +hh:mm is refused (the XSD types it only as a string)', async () => {
    expect(await refusal(xml12().replace('<eventTimeZoneOffset>+00:00</eventTimeZoneOffset>', '<eventTimeZoneOffset>Z</eventTimeZoneOffset>'))).toBe(
      'the EPCIS document cannot be used: the ObjectEvent at 2026-05-01T09:00:00Z has eventTimeZoneOffset "Z"; EPCIS writes it +hh:mm or -hh:mm (e.g. -05:00)',
    );
  });

  it('a lot and expiry whose elements declare their own namespace are read (writers often put xmlns on each element)', async () => {
    const own = xml12(
      '2026-05-01T09:00:00Z',
      '<m:lotNumber xmlns:m="urn:epcglobal:cbv:mda">L7</m:lotNumber><cbvmda:itemExpirationDate xmlns:cbvmda="urn:epcglobal:cbv:mda">2028-01-31</cbvmda:itemExpirationDate>',
    );
    const r = await readEpcisShipment(own, 'own-ns.xml');
    expect(r.ok && r.shipment.lines).toEqual([expect.objectContaining({ gtin: '00300010123455', lot: 'L7', expiry: '2028-01-31', quantity: 2 })]);
  });

  it('a CBV URN the vocabulary does not define is refused (the XSD types bizStep and disposition only as URIs)', async () => {
    expect(await refusal(xml12().replace('urn:epcglobal:cbv:bizstep:commissioning', 'urn:epcglobal:cbv:bizstep:comissioning'))).toBe(
      `the EPCIS document cannot be used: the ObjectEvent at 2026-05-01T09:00:00Z has bizStep "urn:epcglobal:cbv:bizstep:comissioning", which is in GS1's CBV namespace but "comissioning" is not a business step CBV 2.0 defines (a value of one's own must use a namespace of one's own) (GS1 Core Business Vocabulary 2.0)`,
    );
    const disposition = xml12().replace('</bizStep>', '</bizStep><disposition>urn:epcglobal:cbv:disp:activ</disposition>');
    expect(await refusal(disposition)).toContain('has disposition "urn:epcglobal:cbv:disp:activ", which is in GS1\'s CBV namespace but "activ" is not a disposition CBV 2.0 defines');
    const r = await readEpcisShipment(xml12().replace('</bizStep>', '</bizStep><disposition>urn:epcglobal:cbv:disp:active</disposition>'), 'ok.xml');
    expect(r.ok).toBe(true);
    // The Web URI on the host GS1's JSON schema also reserves for CBV is read as CBV's.
    const web = await readEpcisShipment(xml12().replace('urn:epcglobal:cbv:bizstep:commissioning', 'https://ns.gs1.org/cbv/BizStep-commissioning'), 'ok.xml');
    expect(web.ok && web.shipment.lines[0]).toMatchObject({ lot: 'L7' });
  });

  it.skipIf(!corporaPresent)(`the GS1 US DSCSA example (written by others) passes the 1.2 XSD and is read${corporaPresent ? '' : ` — ${corporaSkipReason}`}`, async () => {
    const r = await readEpcisShipment(readFileSync(corpusPath('epcis', 'openepcis_GS1_US_Pharma_Example_2_2_1_1.xml'), 'utf8'), 'x.xml');
    expect(r.ok && r.shipment.poNumber).toBe('XYZPO189');
  });
});

describe('opening a receiving session from an EPCIS file', () => {
  it('a file that fails validation opens nothing; the technician is told where and which rule', async () => {
    const t = tempWorkstation({ seed: true });
    try {
      const { ws } = t;
      ws.users.create({ userId: 'admin', name: 'Administrator', role: 'admin', password: 'admin-password-1', actor: 'test' });
      const auth = ws.users.authenticate('admin', 'admin-password-1');
      if (!auth.ok) throw new Error(auth.message);
      const ctx = { sessionId: ws.sessions.start(auth.user).id, setSessionId: () => {} };
      const handlers = { ...coreHandlers, ...receivingHandlers } as HandlerTable;
      const host = { mode: 'browser', testHooks: false } as const;
      const doc = json20();
      doc.epcisBody.eventList[0]!.eventTime = 'yesterday';
      const refused = await dispatch(ws, handlers, host, 'receiving.start', { from: 'file', fileName: 'asn.json', text: JSON.stringify(doc) }, ctx);
      expect(refused).toMatchObject({
        ok: false,
        error: {
          code: 'BAD_INPUT',
          message: 'Cannot start receiving from asn.json: the EPCIS document does not follow GS1\'s EPCIS 2.0 JSON schema: /epcisBody/eventList/0/eventTime: must match format "date-time" (schema format date-time)',
        },
      });
      expect(ws.db.prepare('SELECT COUNT(*) FROM receiving_sessions').pluck().get()).toBe(0);
      const bad = await dispatch(ws, handlers, host, 'receiving.start', { from: 'file', fileName: 'asn.xml', text: xml12('01/05/2026') }, ctx);
      expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringContaining("line 6: Element 'eventTime': '01/05/2026' is not a valid value of the atomic type 'xs:dateTime'") } });
      const ok = await dispatch(ws, handlers, host, 'receiving.start', { from: 'file', fileName: 'asn.json', text: JSON.stringify(json20()) }, ctx);
      expect(ok.ok).toBe(true);
      expect(ws.db.prepare('SELECT COUNT(*) FROM receiving_sessions').pluck().get()).toBe(1);
    } finally {
      t.cleanup();
    }
  });
});
