import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AuditTrail } from './audit/trail';
import { oneTimePassword } from './auth/passwords';
import { SessionManager } from './auth/sessions';
import { UserStore } from './auth/users';
import { openDatabase, type Db } from './db/open';
import { createDeviceKey, loadDeviceKey, type DeviceKey } from './keys/device-key';
import { FileSecretStore, type SecretStore } from './keys/secret-store';
import { cachedStatement } from './db/statement-cache';
import { WalCheckpointer } from './db/wal-checkpointer';
import { Ledger, systemClock, type Clock } from './ledger/append';
import { serverHeadAnchor, verifyLedger, type Anchor, type VerifyReport } from './ledger/verify';
import { deviceTrust, type DeviceTrust } from './ledger/trust';
import { QuarantineStore } from './quarantine/store';
import { CONFIG_FILE, DB_FILE } from './db/files';
import { IngestMetrics } from './alerts/metrics';
import { createGate, type IngestGate } from './ingest/gate';
import { PhiVault } from './phi/vault';
import { ScanIntake } from './receiving/scan-intake';
import type { ReportJob } from './reports/jobs';
import { ensureStockInDosageUnits } from './ledger/stock';
import { privateDataFolder, writePrivateFileAtomic } from './private-files';

export const APP_VERSION = '0.1.0';

const WorkstationFile = z.object({
  format: z.literal(1),
  facility_id: z.string().regex(/^[A-Z0-9]{6}$/),
  device_id: z.string().min(1),
  created_at: z.string(),
  /** The device's public key (not secret), so the ledger can be verified where the private key is out of reach. */
  public_key: z.string().optional(),
});
type WorkstationFile = z.infer<typeof WorkstationFile>;

export class NotInitializedError extends Error {}

export interface OpenOptions {
  secretStore?: SecretStore;
  clock?: Clock;
  idleSeconds?: number;
}

/**
 * The workstation's composition root: one object that owns the database and builds every
 * service from it, once — the ledger, users and sessions, audit trail, quarantine, the one
 * ingestion gate every write goes through, the PHI vault, ingestion metrics, the scan intake
 * (receiving and count scan feeds on one router) and the report jobs. The Electron shell, the
 * browser-mode host, the POS station and the CLI all start here, so the same code runs in
 * each; no service lives in a module-level singleton.
 */
export class Workstation {
  readonly audit: AuditTrail;
  readonly users: UserStore;
  readonly sessions: SessionManager;
  readonly ledger: Ledger;
  readonly quarantine: QuarantineStore;
  /** Copies the WAL into the database file off the main thread (db/wal-checkpointer.ts). */
  readonly checkpointer: WalCheckpointer;
  /** Ingestion figures of this process (alerts). */
  readonly metrics: IngestMetrics;
  /** The one ingestion gate: every ledger entry of this workstation is written through it. */
  readonly gate: IngestGate;
  /** Patient data, encrypted at rest. */
  readonly phi: PhiVault;
  /** Scanners, the scan router, receiving and the count scan feed. */
  readonly scanIntake: ScanIntake;
  /** Reports being computed for the Reports screen (the last few per workstation). */
  readonly reportJobs = new Map<string, ReportJob>();

  private constructor(
    readonly dataDir: string,
    readonly db: Db,
    readonly config: WorkstationFile,
    readonly deviceKey: DeviceKey,
    readonly secrets: SecretStore,
    readonly clock: Clock,
    idleSeconds: number,
  ) {
    const now = () => clock.now();
    this.audit = new AuditTrail(db, now);
    this.users = new UserStore(db, this.audit, undefined, now, () => this.timeZone());
    this.sessions = new SessionManager(this.audit, idleSeconds * 1000, () => clock.now().getTime());
    this.checkpointer = new WalCheckpointer(join(dataDir, DB_FILE));
    this.ledger = new Ledger(db, config.device_id, deviceKey.privateKey, clock, this.checkpointer);
    this.quarantine = new QuarantineStore(db);
    ensureStockInDosageUnits(db, this.audit);
    this.metrics = new IngestMetrics();
    this.phi = new PhiVault(db, secrets, this.audit, now);
    this.gate = createGate(this);
    this.scanIntake = new ScanIntake(this);
  }

  get facilityId(): string {
    return this.config.facility_id;
  }
  get deviceId(): string {
    return this.config.device_id;
  }

  static isInitialized(dataDir: string): boolean {
    return existsSync(join(dataDir, CONFIG_FILE));
  }

  /** Creates the data folder, database and device key. Refuses a folder that already holds a workstation. */
  static init(dataDir: string, facilityId: string, opts: OpenOptions = {}): Workstation {
    if (Workstation.isInitialized(dataDir)) throw new Error(`${dataDir} already holds an RxLedger workstation; nothing was changed`);
    if (!/^[A-Z0-9]{6}$/.test(facilityId)) throw new Error(`facility ID "${facilityId}" must be six capital letters or digits (e.g. MAIN01)`);
    privateDataFolder(dataDir);
    const secrets = opts.secretStore ?? new FileSecretStore(dataDir);
    const key = createDeviceKey(secrets);
    const config: WorkstationFile = {
      format: 1,
      facility_id: facilityId,
      device_id: `dev-${randomUUID()}`,
      created_at: new Date().toISOString(),
      public_key: key.publicKeyB64,
    };
    const db = openDatabase(join(dataDir, DB_FILE));
    db.prepare('INSERT INTO devices (device_id, facility_id, public_key, is_local, added_at) VALUES (?, ?, ?, 1, ?)').run(
      config.device_id,
      facilityId,
      key.publicKeyB64,
      config.created_at,
    );
    writePrivateFileAtomic(join(dataDir, CONFIG_FILE), Buffer.from(JSON.stringify(config, null, 2) + '\n', 'utf8'));
    return new Workstation(dataDir, db, config, key, secrets, opts.clock ?? systemClock, idleSecondsFrom(db, opts));
  }

  static open(dataDir: string, opts: OpenOptions = {}): Workstation {
    const cfgPath = join(dataDir, CONFIG_FILE);
    if (!existsSync(cfgPath)) {
      throw new NotInitializedError(`${dataDir} holds no RxLedger workstation yet. Run: rxledger init --data ${dataDir} --facility ID`);
    }
    // Before anything is read: a folder an older version left 0755/0644 is made owner-only.
    privateDataFolder(dataDir);
    const config = WorkstationFile.parse(JSON.parse(readFileSync(cfgPath, 'utf8')));
    const secrets = opts.secretStore ?? new FileSecretStore(dataDir);
    const key = loadDeviceKey(secrets);
    if (!key) {
      throw new Error(
        `the device signing key of ${dataDir} is not here (${secrets.kind}). If the desktop app uses this folder, the key is in its OS keychain: ` +
          'do this in the desktop app (read-only commands such as "rxledger verify" still work here).',
      );
    }
    const db = openDatabase(join(dataDir, DB_FILE));
    return new Workstation(dataDir, db, config, key, secrets, opts.clock ?? systemClock, idleSecondsFrom(db, opts));
  }

  /**
   * The first administrator. With no password given, a one-time password is made and must be
   * changed at first sign-in: there is never a fixed default password.
   */
  createFirstAdmin(password: string | null): { oneTimePassword: string | null } {
    if (this.users.count() > 0) throw new Error('users already exist; add more with "rxledger user add"');
    const otp = password === null ? oneTimePassword() : null;
    this.users.create({
      userId: 'admin',
      name: 'Administrator',
      role: 'admin',
      password: password ?? otp!,
      mustChange: otp !== null,
      oneTime: otp !== null,
      actor: 'system',
    });
    return { oneTimePassword: otp };
  }

  /** The keys verify may use: this device's own, and siblings' the central server signed (src/main/ledger/trust.ts). */
  trust(opts: { serverKey?: string } = {}): DeviceTrust {
    return deviceTrust(this.db, { deviceId: this.deviceId, publicKey: this.deviceKey.publicKey, publicKeyB64: this.deviceKey.publicKeyB64 }, opts);
  }

  /** Full verification, anchored at the head the central server accepted at the last sync and at any `anchors` given. */
  verify(onProgress?: (n: number) => void, anchors: Anchor[] = []): VerifyReport {
    const server = serverHeadAnchor(this.db, this.deviceId);
    return verifyLedger(this.db, this.trust(), { onProgress, anchors: server ? [server, ...anchors] : anchors });
  }

  /** The facility's IANA time zone (setting `time_zone`), else the computer's. */
  timeZone(): string {
    return this.setting('time_zone') ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  }

  setting(key: string): string | null {
    return cachedStatement<[string], { value: string }>(this.db, 'SELECT value FROM settings WHERE key = ?').get(key)?.value ?? null;
  }

  setSetting(key: string, value: string): void {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  close(): void {
    this.sessions.stop();
    this.ledger.close();
    this.checkpointer.close();
    if (this.db.open) this.db.close();
  }
}

function idleSecondsFrom(db: Db, opts: OpenOptions): number {
  if (opts.idleSeconds) return opts.idleSeconds;
  const env = Number(process.env.RXLEDGER_IDLE_SECONDS);
  if (Number.isFinite(env) && env > 0) return env;
  const stored = db.prepare<[], { value: string }>("SELECT value FROM settings WHERE key = 'idle_timeout_seconds'").get();
  return stored ? Number(stored.value) : 600;
}
