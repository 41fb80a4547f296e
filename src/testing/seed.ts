import { join } from 'node:path';
import { CatalogStore } from '../main/catalog/store';
import type { Role } from '../shared/domain/roles';
import { setIngestSetting } from '../main/ingest/settings';
import type { Workstation } from '../main/workstation';
import { repoRoot } from './corpora';

/**
 * What tests need for the ingestion gate's strict defaults: a catalog that lists the NDCs the
 * fixtures use, and the handlers they name as users. Nothing here relaxes the gate.
 */

/** openFDA /drug/ndc.json with the fixtures' products (invented; see its meta.disclaimer). */
export const TEST_CATALOG = join(repoRoot, 'src', 'testing', 'fixtures', 'test-catalog.json');

/** The 11-digit NDCs of the test catalog, with their schedules (null: not controlled). */
export const TEST_NDCS = {
  '00002-1200-30': 'CII',
  '00409-1234-01': 'CIV',
  '59011-0440-10': 'CII',
  '00054-0001-01': 'CII',
  '00054-0002-01': 'CII',
  '68180-0513-01': null,
  '00093-0001-01': null,
  '00001-0123-45': null,
} as const;

/** An NDC no catalog lists: for tests of UNKNOWN_NDC. */
export const UNKNOWN_TEST_NDC = '99999-9999-99';

/** The handlers the fixtures (drugRecord, receipt, POS bodies) name, created as users. */
export const TEST_HANDLERS: ReadonlyArray<{ userId: string; name: string; role: Role; password: string }> = [
  { userId: 'tech01', name: 'Terry Tech', role: 'technician', password: 'tech01-password-1' },
  { userId: 'rph01', name: 'Robin Pharmacist', role: 'pharmacist', password: 'rph01-password-1' },
];

export interface SeedOptions {
  /** Import the test catalog (default true). */
  catalog?: boolean;
  /** Create the TEST_HANDLERS users (default true); false, or a list of user ids to create. */
  handlers?: boolean | readonly string[];
  /** List the fixtures' EDI senders in ingest.edi_senders (default true). */
  ediSenders?: boolean;
}

/** The ISA06 senders of the EDI fixtures (src/shared/edi/fixtures, the tests' own files). */
export const TEST_EDI_SENDERS = ['WHOLESALER', 'ACMEDRUG'] as const;

/** Imports the test catalog and creates the fixtures' handler users in an initialized workstation. */
export function seedWorkstation(ws: Workstation, opts: SeedOptions = {}): void {
  if (opts.catalog !== false) {
    const [r] = new CatalogStore(ws.db, { audit: ws.audit, now: () => ws.clock.now() }).importFiles([TEST_CATALOG], { actor: 'test-seed' });
    if (!r || r.error) throw new Error(`test catalog not imported: ${r?.error ?? 'no result'}`);
  }
  for (const h of handlersOf(opts)) {
    if (!ws.users.get(h.userId)) ws.users.create({ userId: h.userId, name: h.name, role: h.role, password: h.password, actor: 'test-seed' });
  }
  if (opts.ediSenders !== false) setIngestSetting(ws, 'ingest.edi_senders', TEST_EDI_SENDERS.join(','), 'test-seed');
}

function handlersOf(opts: SeedOptions) {
  if (opts.handlers === false) return [];
  if (Array.isArray(opts.handlers)) return TEST_HANDLERS.filter((h) => (opts.handlers as readonly string[]).includes(h.userId));
  return TEST_HANDLERS;
}

/** The administrator password the CLI tests give `rxledger init`. */
export const TEST_ADMIN_PASSWORD = 'admin-password-1';

type Run = (args: string[], stdin?: string) => Promise<{ code: number; stderr: string }> | { code: number; stderr: string };

/**
 * `rxledger user add` by the administrator, then `rxledger passwd` by the new user, as a new
 * account must change the password it was given before it may act. `args` are user add's own
 * (--user, --name, --role); the user ends with `password`. Returns the first failure, if any.
 */
export async function addUserByCli(run: Run, dataDir: string, args: string[], password: string, admin = { id: 'admin', password: TEST_ADMIN_PASSWORD }) {
  const final = password.replace(/\r?\n$/, '');
  const first = `${final}-first`;
  const added = await run(['user', 'add', '--data', dataDir, '--as', admin.id, ...args], `${admin.password}\n${first}\n`);
  if (added.code !== 0) return added;
  const user = args[args.indexOf('--user') + 1]!;
  const changed = await run(['passwd', '--data', dataDir, '--user', user, '--password-stdin'], `${first}\n${final}\n`);
  return changed.code !== 0 ? changed : added;
}

/**
 * The same through the command line, for tests that set up a data folder with `rxledger init`:
 * `rxledger catalog import` and `rxledger user add`. `run` is the in-process `cli` of
 * src/testing/run-cli.ts or a spawned `rxledger`.
 */
export async function seedDataDir(run: Run, dataDir: string, opts: SeedOptions & { adminPassword?: string } = {}): Promise<void> {
  const admin = { id: 'admin', password: opts.adminPassword ?? TEST_ADMIN_PASSWORD };
  if (opts.catalog !== false) {
    const r = await run(['catalog', 'import', '--data', dataDir, '--as', admin.id, TEST_CATALOG], `${admin.password}\n`);
    if (r.code !== 0) throw new Error(`rxledger catalog import failed (${r.code}): ${r.stderr}`);
  }
  for (const h of handlersOf(opts)) {
    const r = await addUserByCli(run, dataDir, ['--user', h.userId, '--name', h.name, '--role', h.role], h.password, admin);
    if (r.code !== 0) throw new Error(`rxledger user add ${h.userId} failed (${r.code}): ${r.stderr}`);
  }
  if (opts.ediSenders !== false) {
    const r = await run(['ingest', '--data', dataDir, '--as', admin.id, '--set', `ingest.edi_senders=${TEST_EDI_SENDERS.join(',')}`], `${admin.password}\n`);
    if (r.code !== 0) throw new Error(`rxledger ingest --set ingest.edi_senders failed (${r.code}): ${r.stderr}`);
  }
}
