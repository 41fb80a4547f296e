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

  it('not JSON at all', async () => {
    expect(await refusal('{"type": "EPCISDocument",')).toMatch(/^the EPCIS document is not JSON: /);
  });

  it.skipIf(!corporaPresent)(`a document written by others (openepcis, every field) passes the schema and is read${corporaPresent ? '' : ` — ${corporaSkipReason}`}`, async () => {
    const r = await readEpcisShipment(readFileSync(corpusPath('epcis', 'openepcis_2.0_ObjectEvent_all_possible_fields.json'), 'utf8'), 'x.json');
    expect(r.ok && r.shipment.lines[0]).toMatchObject({ lot: 'ABC123' });
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
