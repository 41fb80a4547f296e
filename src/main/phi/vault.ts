import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { canonicalJson } from '../../shared/ledger/canonical';
import type { AuditTrail } from '../audit/trail';
import type { Db } from '../db/open';
import { sha256Hex } from '../ledger/hash';
import type { SecretStore } from '../keys/secret-store';

/** Secret names in the workstation's SecretStore (safeStorage in the desktop app, 0600 key files otherwise). */
export const PHI_DATA_KEY = 'phi-data-key';
export const PHI_TOKEN_KEY = 'phi-token-key';

function loadOrCreateKey(secrets: SecretStore, name: string): Buffer {
  const existing = secrets.read(name);
  if (existing) {
    if (existing.length !== 32) throw new Error(`the ${name} secret (${secrets.kind}) is not a 256-bit key; PHI cannot be read or written`);
    return existing;
  }
  const key = randomBytes(32);
  secrets.write(name, key);
  return key;
}

export type PatientFields = Record<string, string | number | boolean | null | undefined>;

/**
 * The patient identity the token is made of: the pharmacy system's patient id when sent, else
 * name and date of birth, case- and space-folded so the same person gets the same token.
 */
export function tokenBasis(patient: PatientFields): string {
  const fold = (v: unknown) => String(v ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
  if (patient.id !== undefined && patient.id !== null && fold(patient.id) !== '') return canonicalJson({ id: fold(patient.id) });
  return canonicalJson({ name: fold(patient.name), dob: fold(patient.dob ?? patient.date_of_birth) });
}

export interface PhiRecordView {
  id: number;
  token: string;
  purpose: string;
  ref: string | null;
  created_at: string;
}

/**
 * Protected health information (HIPAA 164.312): the ledger gets only a keyed HMAC token of the
 * patient; where the fields must be kept (a dispensing record's patient), they are stored
 * AES-256-GCM encrypted in `phi_records`, keyed by a secret the database never holds. Reading
 * one back needs the phi.read permission at the caller and is written to the audit trail.
 */
export class PhiVault {
  private dataKey: Buffer | null = null;
  private tokenKey: Buffer | null = null;
  private readonly keyId: string;
  private readonly stmts;

  constructor(
    private readonly db: Db,
    private readonly secrets: SecretStore,
    private readonly audit: AuditTrail,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.keyId = PHI_DATA_KEY;
    this.stmts = {
      insert: db.prepare('INSERT INTO phi_records (token, purpose, ref, created_at, key_id, iv, tag, ciphertext) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      get: db.prepare<[number], { id: number; token: string; purpose: string; ref: string | null; created_at: string; key_id: string; iv: Buffer; tag: Buffer; ciphertext: Buffer }>(
        'SELECT * FROM phi_records WHERE id = ?',
      ),
      byRef: db.prepare<[string], PhiRecordView>('SELECT id, token, purpose, ref, created_at FROM phi_records WHERE ref = ? ORDER BY id'),
      byToken: db.prepare<[string], PhiRecordView>('SELECT id, token, purpose, ref, created_at FROM phi_records WHERE token = ? ORDER BY id'),
    };
  }

  private keys(): { data: Buffer; token: Buffer } {
    this.dataKey ??= loadOrCreateKey(this.secrets, PHI_DATA_KEY);
    this.tokenKey ??= loadOrCreateKey(this.secrets, PHI_TOKEN_KEY);
    return { data: this.dataKey, token: this.tokenKey };
  }

  /**
   * Loads the keys and runs the token and encryption code once on a synthetic payload, storing
   * nothing: a host calls it before it takes POS requests, so the first one does not wait for it.
   */
  warmUp(): void {
    const keys = this.keys();
    createHmac('sha256', keys.token).update('warm-up').digest('hex');
    const cipher = createCipheriv('aes-256-gcm', keys.data, randomBytes(12));
    cipher.setAAD(Buffer.from('warm-up'));
    Buffer.concat([cipher.update(Buffer.from('{"warm":"up"}')), cipher.final()]);
    cipher.getAuthTag();
  }

  /** The keyed token that stands for the patient in the ledger ("pt_" + 32 hex). */
  token(patient: PatientFields): string {
    return 'pt_' + createHmac('sha256', this.keys().token).update(tokenBasis(patient)).digest('hex').slice(0, 32);
  }

  /** Encrypts and stores; the caller's transaction makes it atomic with the entry it belongs to. */
  store(token: string, payload: Buffer, purpose: 'dispense' | 'return' | 'quarantine' | 'metadata', ref: string | null): number {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys().data, iv);
    // The row's token and purpose are bound to the ciphertext: moving it to another token fails.
    cipher.setAAD(Buffer.from(`${token}|${purpose}|${ref ?? ''}`));
    const ciphertext = Buffer.concat([cipher.update(payload), cipher.final()]);
    const info = this.stmts.insert.run(token, purpose, ref, this.now().toISOString(), this.keyId, iv, cipher.getAuthTag(), ciphertext);
    return Number(info.lastInsertRowid);
  }

  /** Decrypts one record and writes who read it, and why, to the audit trail. */
  read(id: number, actor: string, why: string): { record: PhiRecordView; payload: Buffer } | null {
    const row = this.stmts.get.get(id);
    if (!row) return null;
    const decipher = createDecipheriv('aes-256-gcm', this.keys().data, row.iv);
    decipher.setAAD(Buffer.from(`${row.token}|${row.purpose}|${row.ref ?? ''}`));
    decipher.setAuthTag(row.tag);
    const payload = Buffer.concat([decipher.update(row.ciphertext), decipher.final()]);
    this.audit.record({ actor, action: 'PHI_READ', target: `phi:${id}`, details: { token: row.token, purpose: row.purpose, ref: row.ref, why, sha256: sha256Hex(payload) } });
    return { record: { id: row.id, token: row.token, purpose: row.purpose, ref: row.ref, created_at: row.created_at }, payload };
  }

  /** Which records exist for a reference or a token; metadata only, no PHI, not audited. */
  find(by: { ref?: string; token?: string }): PhiRecordView[] {
    if (by.ref) return this.stmts.byRef.all(by.ref);
    if (by.token) return this.stmts.byToken.all(by.token);
    return [];
  }
}
