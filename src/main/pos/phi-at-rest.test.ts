import { request } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { receipt, tempWorkstation } from '../../testing/temp-workstation';
import { startPosServer, type RunningPosServer } from './server';

/**
 * HIPAA §164.312(a)(2)(iv): no patient data at rest in clear. Every shape of request a pharmacy
 * system might send with a patient's name in it — accepted or refused — is sent, then every
 * byte of every file in the data folder (database, WAL, kept quarantine files, keys) is searched
 * for the name.
 */
const NAME = 'Margaret Holloway';
let t: ReturnType<typeof tempWorkstation>;
let pos: RunningPosServer;

function post(path: string, payload: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const data = Buffer.from(JSON.stringify(payload));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: pos.port,
        path,
        method: 'POST',
        headers: { host: `127.0.0.1:${pos.port}`, authorization: `Bearer ${pos.token}`, 'content-type': 'application/json', 'content-length': String(data.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

beforeEach(async () => {
  t = tempWorkstation({ seed: true });
  t.ws.ledger.appendOne(receipt({ quantity: 300 }));
  pos = await startPosServer(t.ws, { warmUp: false });
});
afterEach(async () => {
  await pos.close();
  t.cleanup();
});

const base = (over: Record<string, unknown>) => ({
  transaction_id: `rx-${Math.random().toString(36).slice(2, 10)}`,
  ndc: '00002-1200-30',
  lot: 'LOT1',
  quantity: 5,
  handler_id: 'tech01',
  occurred_at: '2026-11-01T12:00:00Z',
  patient: { id: 'P-778812' },
  ...over,
});

describe('patient data at rest', () => {
  it('is never kept in clear, whatever shape the request has, refused or accepted', async () => {
    const shapes: [string, Record<string, unknown>, number][] = [
      ['metadata.patient_name', base({ metadata: { patient_name: NAME } }), 400],
      ['metadata {name, dob}', base({ metadata: { name: NAME, dob: '1948-03-02' } }), 400],
      ['metadata.pt.name', base({ metadata: { pt: { name: NAME } } }), 400],
      ['top-level patient_name', base({ patient_name: NAME }), 400],
      ['top-level Patient', base({ Patient: { name: NAME } }), 400],
      ['free-text metadata', base({ metadata: { note: `${NAME} called about her refill`, rx_number: 'RX-1' } }), 200],
      ['patient fields where they belong', base({ patient: { id: 'P-778812', name: NAME, dob: '1948-03-02' } }), 200],
      ['patient on a refused dispense (unknown handler)', base({ handler_id: 'ghost', patient: { name: NAME } }), 409],
    ];
    for (const [what, body, status] of shapes) {
      const r = await post('/pos/v1/dispense', body);
      expect({ what, status: r.status }).toEqual({ what, status });
    }
    // The refused ones are in the quarantine, their originals encrypted, retrievable by a pharmacist.
    expect(t.ws.quarantine.list().length).toBeGreaterThanOrEqual(6);
    await pos.close();
    const dir = t.dir;
    t.ws.db.pragma('wal_checkpoint(PASSIVE)');
    const needles = [Buffer.from(NAME, 'utf8'), Buffer.from('Holloway', 'utf8'), Buffer.from('Holloway', 'utf16le')];
    const found = filesUnder(dir).filter((f) => {
      const bytes = readFileSync(f);
      return needles.some((n) => bytes.includes(n));
    });
    expect(found).toEqual([]);
  });
});
