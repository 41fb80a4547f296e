import type { FastifyInstance } from 'fastify';
import type { Store } from '../db/pg-adapter';
import { authenticateDevice, issueChallenge } from '../auth/device-signature';
import { acceptEntries } from '../ledger/accept-entries';
import { acceptSignatures, SIGNATURE_COLUMNS } from '../ledger/accept-signatures';
import {
  ChallengeRequest,
  MAX_PULL_ENTRIES,
  PullRequest,
  PushRequest,
  SignaturePushRequest,
  type PullResponse,
  type ReferenceItem,
  type WireEntry,
  type WireSignature,
} from '../../shared/sync/protocol';
import { siblings } from './enroll';
import type { ServerIdentity } from '../identity';
import { parseBody } from './parse';
import { HttpError } from '../errors';

export function deviceSyncRoutes(app: FastifyInstance, store: Store, identity: ServerIdentity): void {
  app.post('/v1/auth/challenge', async (req) => {
    const { device_id } = parseBody(ChallengeRequest, req.body);
    return issueChallenge(store, device_id);
  });

  app.post('/v1/push', async (req) => {
    const device = await authenticateDevice(store, req);
    const m = parseBody(PushRequest, req.body);
    // Refused before anything is written: a device speaks for its own facility only.
    if (m.health && m.health.facility_id !== device.facility_id) {
      throw new HttpError('HEALTH_FACILITY_MISMATCH',
        `device ${device.device_id} is enrolled for facility ${device.facility_id} and may not report health for facility ${m.health.facility_id}; nothing of this push was stored`,
        { health_facility: m.health.facility_id, device_facility: device.facility_id },
      );
    }
    return acceptEntries(store, device, m.entries, m.local_head_seq, m.health);
  });

  app.post('/v1/signatures', async (req) => {
    const device = await authenticateDevice(store, req);
    const m = parseBody(SignaturePushRequest, req.body);
    return acceptSignatures(store, device, m.signatures);
  });

  app.post('/v1/pull', async (req): Promise<PullResponse> => {
    const device = await authenticateDevice(store, req);
    const m = parseBody(PullRequest, req.body);
    const limit = m.limit ?? 2000;
    if (m.local_head_seq !== undefined) {
      await store.query('UPDATE devices SET reported_head_seq = GREATEST(COALESCE(reported_head_seq, 0), $2), last_seen_at = now() WHERE device_id = $1', [
        device.device_id,
        m.local_head_seq,
      ]);
    }
    const reference = (
      await store.query<ReferenceItem>(
        `SELECT kind, key, facility_id, version, doc FROM reference_items
          WHERE version > $1 AND (facility_id IS NULL OR facility_id = $2) ORDER BY version LIMIT $3`,
        [m.reference_cursor, device.facility_id, limit + 1],
      )
    ).rows;
    const moreReference = reference.length > limit;
    if (moreReference) reference.pop();
    // Signatures are read before the sibling heads: every signature read is over an entry at
    // or below the head read next (an entry is accepted before its signatures).
    const sigRows =
      m.signature_cursor === undefined
        ? []
        : (
            await store.query<WireSignature & { id: number }>(
              `SELECT s.id, ${SIGNATURE_COLUMNS.split(', ').map((c) => `s.${c}`).join(', ')}
                 FROM entry_signatures s JOIN devices d ON d.device_id = s.device_id
                WHERE s.id > $1 AND d.facility_id = $2 AND s.device_id <> $3 ORDER BY s.id LIMIT $4`,
              [m.signature_cursor, device.facility_id, device.device_id, limit + 1],
            )
          ).rows;
    const devices = await siblings(store, identity, device.facility_id, device.device_id);
    const entries: WireEntry[] = [];
    let moreEntries = false;
    for (const d of devices) {
      const from = m.devices[d.device_id] ?? 0;
      if (d.head_seq <= from) continue;
      const room = Math.min(limit, MAX_PULL_ENTRIES) - entries.length;
      if (room <= 0) {
        moreEntries = true;
        break;
      }
      // Only up to the head read above: a push committing meanwhile is picked up next time.
      const rows = await store.query<WireEntry>(
        'SELECT device_id, seq, prev_hash, hash, signature, body FROM entries WHERE device_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4',
        [d.device_id, from, d.head_seq, room],
      );
      entries.push(...rows.rows);
      if (from + rows.rows.length < d.head_seq) moreEntries = true;
    }
    const cursor = reference.length > 0 ? reference[reference.length - 1]!.version : m.reference_cursor;
    // Only signatures over entries the workstation holds once it stored this page, in id order:
    // the first one whose entry comes in a later page stops the list (the cursor stays before it).
    const held = new Map<string, number>(Object.entries(m.devices));
    for (const e of entries) held.set(e.device_id, Math.max(held.get(e.device_id) ?? 0, e.seq));
    const signatures: WireSignature[] = [];
    let signatureCursor = m.signature_cursor;
    let moreSignatures = sigRows.length > limit;
    for (const { id, ...s } of sigRows.slice(0, limit)) {
      if (s.seq > (held.get(s.device_id) ?? 0)) {
        moreSignatures = true;
        break;
      }
      signatures.push(s);
      signatureCursor = id;
    }
    return {
      reference,
      reference_cursor: cursor,
      devices,
      server_key: identity.publicKeyB64,
      device_signature: identity.signDevice(device),
      entries,
      signatures,
      ...(signatureCursor === undefined ? {} : { signature_cursor: signatureCursor }),
      more: moreReference || moreEntries || moreSignatures,
    };
  });
}
