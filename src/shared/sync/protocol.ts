import { z } from 'zod';

/**
 * The sync protocol between a workstation and the central server: message shapes and the
 * exact strings that get signed. Pure (no node: imports) so both sides share one definition;
 * docs/sync.md is the prose version of this file.
 */
export const PROTOCOL_VERSION = 'rxledger-sync-1';

export const HEADERS = {
  device: 'x-rxl-device',
  nonce: 'x-rxl-nonce',
  signature: 'x-rxl-signature',
} as const;

export const MAX_PUSH_ENTRIES = 1000;
export const MAX_PULL_ENTRIES = 5000;

/**
 * What the device key signs for every authenticated request. The nonce is a single-use
 * challenge the server issued, so replay protection needs no synchronized clock.
 */
export function requestSigningString(method: string, pathAndQuery: string, bodySha256Hex: string, deviceId: string, nonce: string): string {
  return [PROTOCOL_VERSION, 'request', method.toUpperCase(), pathAndQuery, bodySha256Hex, deviceId, nonce].join('\n');
}

/** Signed by the enrolling device (possession of the key) and MACed with the code (possession of the code). */
export function enrollSigningString(m: { code_id: string; device_id: string; facility_id: string; public_key: string }): string {
  return [PROTOCOL_VERSION, 'enroll', m.code_id, m.device_id, m.facility_id, m.public_key].join('\n');
}

/** An enrollment code reads `<id>-<secret>`: the id finds the row, only a hash of the secret is stored. */
export function parseEnrollmentCode(code: string): { codeId: string; secret: string } | null {
  const m = /^([A-Z2-7]{8})-([A-Z2-7]{24})$/.exec(code.trim().toUpperCase());
  return m ? { codeId: m[1]!, secret: m[2]! } : null;
}

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const Head = z.object({ seq: Seq, hash: Hex64 });
export type Head = z.infer<typeof Head>;

export const ChallengeRequest = z.object({ device_id: z.string().min(1).max(200) }).strict();
export const ChallengeResponse = z.object({ nonce: z.string(), expires_in_seconds: z.number().int() });

export const FacilityInfo = z.object({ facility_id: z.string(), name: z.string(), dea_number: z.string(), address: z.string() });
export type FacilityInfo = z.infer<typeof FacilityInfo>;

/**
 * What the server's identity key signs for each device it enrolls: the record a workstation's
 * verifier trusts a sibling's (or its own) public key by, instead of the database being checked.
 */
export function deviceRecordSigningString(d: { device_id: string; facility_id: string; public_key: string }): string {
  return [PROTOCOL_VERSION, 'device', d.device_id, d.facility_id, d.public_key].join('\n');
}

/** `server_signature`: the server identity key's Ed25519 signature over deviceRecordSigningString. */
export const SiblingDevice = z.object({ device_id: z.string(), facility_id: z.string(), public_key: z.string(), head_seq: Seq, server_signature: z.string().min(1).max(200) });
export type SiblingDevice = z.infer<typeof SiblingDevice>;

export const EnrollRequest = z
  .object({
    code_id: z.string().min(1).max(64),
    device_id: z.string().min(1).max(200),
    facility_id: z.string().min(1).max(64),
    public_key: z.string().min(1).max(100),
    proof: z.string().min(1).max(200),
    signature: z.string().min(1).max(200),
  })
  .strict();
export type EnrollRequest = z.infer<typeof EnrollRequest>;
/** `server_key`: the server's identity key (raw Ed25519, base64), pinned at enrollment; `device_signature`: its signature over this device's record. */
export const EnrollResponse = z.object({
  facility: FacilityInfo,
  device_id: z.string(),
  head: Head,
  devices: z.array(SiblingDevice),
  server_key: z.string().min(1).max(100),
  device_signature: z.string().min(1).max(200),
});
export type EnrollResponse = z.infer<typeof EnrollResponse>;

/** One ledger entry as it travels: the chain fields and the canonical body text exactly as hashed. */
export const WireEntry = z
  .object({
    device_id: z.string().min(1).max(200),
    seq: Seq.min(1),
    prev_hash: Hex64,
    hash: Hex64,
    signature: z.string().max(200),
    body: z.string().max(64 * 1024),
  })
  .strict();
export type WireEntry = z.infer<typeof WireEntry>;

/**
 * A workstation's health, sent with a push (optional: older workstations send none, older
 * servers never see it because the workstation sends it only to a server that announced it —
 * see `health` in PushResponse). `facility_id` must be the pushing device's own facility.
 */
export const WorkstationHealth = z
  .object({
    facility_id: z.string().min(1).max(64),
    /** Entries committed locally and not yet acknowledged by the server. */
    outbox_depth: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    /** Quarantined inputs awaiting a decision. */
    quarantine_open: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    /**
     * Open DSCSA suspect investigations (suspect items with no outcome yet; part of
     * quarantine_open). Sent only to a server that answered `health_suspect_open: true`.
     */
    suspect_open: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    /** POS acknowledgment p99 over the workstation's recent window, ms; null without samples. */
    pos_p99_ms: z.number().min(0).max(86_400_000).nullable(),
    pos_samples: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  })
  .strict();
export type WorkstationHealth = z.infer<typeof WorkstationHealth>;

export const PushRequest = z
  .object({
    entries: z.array(WireEntry).min(1).max(MAX_PUSH_ENTRIES),
    /** The device's own head when it sent this: lets the central office see how far behind it is. */
    local_head_seq: Seq.optional(),
    health: WorkstationHealth.optional(),
  })
  .strict();
export type PushRequest = z.infer<typeof PushRequest>;
/** `health: true`: this server takes `health` in a push (a server that does not answers without it). */
export const PushResponse = z.object({
  head: Head,
  accepted: z.number().int(),
  already: z.number().int(),
  health: z.boolean().optional(),
  /** This server takes `suspect_open` in the health (an older one refuses the unknown field). */
  health_suspect_open: z.boolean().optional(),
});
export type PushResponse = z.infer<typeof PushResponse>;

/**
 * A pharmacist's Part 11 signature over one ledger entry (a row of the workstation's
 * entry_signatures): Ed25519 by the signer's own key over the 32 raw bytes of `entry_hash`.
 * `public_key` is the signer's key as the entry body names it in data.signatures.
 */
export const WireSignature = z
  .object({
    device_id: z.string().min(1).max(200),
    seq: Seq.min(1),
    entry_hash: Hex64,
    signer_id: z.string().min(1).max(200),
    printed_name: z.string().max(500),
    role: z.enum(['signer', 'cosigner', 'witness']),
    meaning: z.string().min(1).max(100),
    reason: z.string().max(100).nullable(),
    signed_at: z.string().min(1).max(100),
    time_zone: z.string().min(1).max(100),
    public_key: z.string().min(1).max(100),
    key_id: z.string().max(200).nullable(),
    signature: z.string().min(1).max(200),
  })
  .strict();
export type WireSignature = z.infer<typeof WireSignature>;

export const MAX_PUSH_SIGNATURES = 1000;
export const SignaturePushRequest = z.object({ signatures: z.array(WireSignature).min(1).max(MAX_PUSH_SIGNATURES) }).strict();
export type SignaturePushRequest = z.infer<typeof SignaturePushRequest>;
export const SignaturePushResponse = z.object({ accepted: z.number().int(), already: z.number().int() });
export type SignaturePushResponse = z.infer<typeof SignaturePushResponse>;

export const ReferenceKind = z.enum(['catalog', 'user', 'policy']);
export type ReferenceKind = z.infer<typeof ReferenceKind>;
export const ReferenceItem = z.object({
  kind: ReferenceKind,
  key: z.string().min(1).max(200),
  facility_id: z.string().nullable(),
  version: z.number().int(),
  /** The document as JSON text; null when the central office withdrew it. */
  doc: z.string().nullable(),
});
export type ReferenceItem = z.infer<typeof ReferenceItem>;

export const PullRequest = z
  .object({
    reference_cursor: Seq,
    /** device_id → the last seq this workstation already holds of that sibling's chain. */
    devices: z.record(z.string(), Seq),
    limit: z.number().int().min(1).max(MAX_PULL_ENTRIES).optional(),
    local_head_seq: Seq.optional(),
    /** The last sibling signature held (the server's signature id); absent: no signatures are sent. */
    signature_cursor: Seq.optional(),
  })
  .strict();
export type PullRequest = z.infer<typeof PullRequest>;
export const PullResponse = z.object({
  reference: z.array(ReferenceItem),
  reference_cursor: Seq,
  devices: z.array(SiblingDevice),
  /** The server's identity key, so a workstation enrolled before it existed can pin it. */
  server_key: z.string().min(1).max(100),
  /** That key's signature over the pulling device's own record (as at enrollment). */
  device_signature: z.string().min(1).max(200),
  entries: z.array(WireEntry),
  /** Signatures over sibling entries this workstation holds once it stored `entries`, in server id order. */
  signatures: z.array(WireSignature).default([]),
  signature_cursor: Seq.optional(),
  /** More remains (reference items or entries): pull again with the new cursors. */
  more: z.boolean(),
});
export type PullResponse = z.infer<typeof PullResponse>;

export const ServerKeyResponse = z.object({ public_key: z.string(), algorithm: z.literal('Ed25519') });
export type ServerKeyResponse = z.infer<typeof ServerKeyResponse>;

/** Every refusal: a stable code for programs and a sentence for people. */
export const ErrorBody = z
  .object({ error: z.string(), message: z.string(), expected_seq: z.number().int().optional(), seq: z.number().int().optional(), head: Head.optional() })
  .passthrough();
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Error codes that mean this device may not talk to the server until a person acts. */
export const AUTH_REFUSALS = new Set(['UNKNOWN_DEVICE', 'BAD_REQUEST_SIGNATURE', 'DEVICE_FLAGGED', 'AUTH_MISSING', 'WRONG_DEVICE']);
