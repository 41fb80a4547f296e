import { z } from 'zod';
import { ToleranceRules } from '../../shared/counts';
import { Role } from '../../shared/domain/roles';
import { canonicalJson } from '../../shared/ledger/canonical';
import type { ReferenceItem } from '../../shared/sync/protocol';
import { CatalogStore } from '../catalog/store';
import { currentPolicy, savePolicy } from '../counts/tolerance-store';
import type { Workstation } from '../workstation';

/** What one pull page changed locally, by kind. */
export interface ReferenceApplied {
  /** Catalog packages added or changed (through CatalogStore, one import per page). */
  catalog: number;
  /** New local tolerance policy versions. */
  policy: number;
  /** Rows of the central user directory (sync_users) written, withdrawals included. */
  users: number;
  /** Items that could not be applied (audited SYNC_REFERENCE_NOT_APPLIED); sync goes on. */
  not_applied: number;
}

/** Who reference changes are recorded as: `sync:<server host>`. */
export function syncActor(serverUrl: string | null): string {
  try {
    return `sync:${serverUrl ? new URL(serverUrl).host : 'server'}`;
  } catch {
    return `sync:${serverUrl ?? 'server'}`;
  }
}

/** A `user` document: the central office's view of a person; never a password. */
const UserDoc = z.object({
  user_id: z.string().min(1).max(200).optional(),
  name: z.string().max(500).optional(),
  role: Role,
  /** The user's public Ed25519 signing key(s), raw 32 bytes base64; retired keys stay listed. */
  public_key: z.string().min(1).max(100).optional(),
  signing_keys: z.array(z.union([z.string().min(1).max(100), z.object({ public_key: z.string().min(1).max(100) }).passthrough()])).optional(),
});

/**
 * Applies reference items pulled from the central server (run inside the pull page's
 * transaction, after they were written to sync_reference, in version order):
 * - `catalog`: openFDA NDC product records (or `{"results": [...]}`) imported through
 *   CatalogStore, one import record per page, by `sync:<server>`; a withdrawn item is not
 *   removed from the catalog (ledger entries name its NDCs);
 * - `policy`: a complete tolerance policy becomes a new local version (savePolicy) unless the
 *   rules in force are already the same; a facility's own policy wins over a global one;
 *   a withdrawn policy leaves the one in force;
 * - `user`: the central user directory (sync_users): role, name and public signing keys,
 *   read to cross-check signers of sibling entries; never a sign-in account here.
 * A document that does not fit is audited (SYNC_REFERENCE_NOT_APPLIED) and skipped: the
 * office fixes and republishes it; sync of entries is not held up.
 */
export function applyReference(ws: Workstation, items: ReferenceItem[], serverUrl: string | null): ReferenceApplied {
  const out: ReferenceApplied = { catalog: 0, policy: 0, users: 0, not_applied: 0 };
  const actor = syncActor(serverUrl);
  const notApplied = (it: ReferenceItem, why: string) => {
    out.not_applied++;
    ws.audit.record({ actor, action: 'SYNC_REFERENCE_NOT_APPLIED', target: `${it.kind}:${it.key}`, details: { version: it.version, reason: why } });
  };
  applyCatalog(ws, items.filter((i) => i.kind === 'catalog'), actor, out, notApplied);
  for (const it of items) {
    if (it.kind === 'policy') applyPolicy(ws, it, actor, out, notApplied);
    else if (it.kind === 'user') applyUser(ws, it, out, notApplied);
  }
  return out;
}

function parseDoc(it: ReferenceItem): unknown {
  try {
    return JSON.parse(it.doc ?? 'null') as unknown;
  } catch {
    return undefined;
  }
}

function applyCatalog(ws: Workstation, items: ReferenceItem[], actor: string, out: ReferenceApplied, notApplied: (it: ReferenceItem, why: string) => void): void {
  const records: unknown[] = [];
  for (const it of items) {
    if (it.doc === null) continue;
    const doc = parseDoc(it);
    const list = doc && typeof doc === 'object' && Array.isArray((doc as { results?: unknown }).results) ? (doc as { results: unknown[] }).results : [doc];
    if (list.some((r) => !r || typeof r !== 'object' || Array.isArray(r))) {
      notApplied(it, 'a catalog item is an openFDA NDC product record (an object with product_ndc and packaging) or {"results": [...]}');
      continue;
    }
    records.push(...list);
  }
  if (records.length === 0) return;
  const first = items[0]!.version;
  const last = items[items.length - 1]!.version;
  const store = new CatalogStore(ws.db, { audit: ws.audit, now: () => ws.clock.now() });
  const r = store.importBytes(`central-catalog-v${first}-v${last}.json`, Buffer.from(JSON.stringify({ results: records }), 'utf8'), { actor });
  if (r.error) {
    for (const it of items) if (it.doc !== null) notApplied(it, `the catalog import refused it: ${r.error}`);
    return;
  }
  out.catalog += r.added + r.updated;
}

function applyPolicy(ws: Workstation, it: ReferenceItem, actor: string, out: ReferenceApplied, notApplied: (it: ReferenceItem, why: string) => void): void {
  if (it.doc === null) return;
  if (it.facility_id === null) {
    const own = ws.db
      .prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM sync_reference WHERE kind = 'policy' AND facility_id = ? AND doc IS NOT NULL")
      .get(ws.facilityId)!.n;
    if (own > 0) return; // this facility has a policy of its own from the office
  }
  const doc = parseDoc(it);
  const rules = doc && typeof doc === 'object' ? { ...(doc as Record<string, unknown>) } : doc;
  // The output of `rxledger tolerance --json` may be published as is.
  if (rules && typeof rules === 'object') for (const k of ['version', 'created_at', 'created_by']) delete (rules as Record<string, unknown>)[k];
  const parsed = ToleranceRules.safeParse(rules);
  if (!parsed.success) {
    notApplied(it, `not a complete tolerance policy: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return;
  }
  const { version: _v, created_at: _a, created_by: _b, ...inForce } = currentPolicy(ws.db);
  if (canonicalJson(inForce) === canonicalJson(parsed.data)) return;
  savePolicy(ws, parsed.data, actor);
  out.policy++;
}

function applyUser(ws: Workstation, it: ReferenceItem, out: ReferenceApplied, notApplied: (it: ReferenceItem, why: string) => void): void {
  const now = ws.clock.now().toISOString();
  if (it.doc === null) {
    ws.db.prepare('UPDATE sync_users SET withdrawn = 1, version = ?, updated_at = ? WHERE user_id = ?').run(it.version, now, it.key);
    out.users++;
    return;
  }
  const parsed = UserDoc.safeParse(parseDoc(it));
  if (!parsed.success) {
    notApplied(it, `not a user document: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return;
  }
  const u = parsed.data;
  if (u.user_id !== undefined && u.user_id !== it.key) {
    notApplied(it, `the document names user ${u.user_id} but is published under the key ${it.key}`);
    return;
  }
  const keys = [...(u.public_key ? [u.public_key] : []), ...(u.signing_keys ?? []).map((k) => (typeof k === 'string' ? k : k.public_key))];
  ws.db
    .prepare(
      `INSERT INTO sync_users (user_id, facility_id, name, role, signing_keys, withdrawn, version, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET facility_id = excluded.facility_id, name = excluded.name, role = excluded.role,
         signing_keys = excluded.signing_keys, withdrawn = 0, version = excluded.version, updated_at = excluded.updated_at`,
    )
    .run(it.key, it.facility_id, u.name ?? null, u.role, JSON.stringify([...new Set(keys)]), it.version, now);
  out.users++;
}

export interface CentralUser {
  user_id: string;
  name: string | null;
  role: Role;
  signing_keys: string[];
}

/** A user as the central office lists them (not withdrawn), or null. */
export function centralUser(ws: Workstation, userId: string): CentralUser | null {
  const r = ws.db
    .prepare<[string], { user_id: string; name: string | null; role: Role; signing_keys: string }>(
      'SELECT user_id, name, role, signing_keys FROM sync_users WHERE user_id = ? AND withdrawn = 0',
    )
    .get(userId);
  return r ? { ...r, signing_keys: JSON.parse(r.signing_keys) as string[] } : null;
}
