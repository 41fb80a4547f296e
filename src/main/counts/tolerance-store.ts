import { RxError } from '../../shared/errors/error-codes';
import { DEFAULT_TOLERANCE_RULES, ToleranceRules, type TolerancePolicy } from '../../shared/counts';
import type { Db } from '../db/open';
import type { Workstation } from '../workstation';

interface Row {
  version: number;
  created_at: string;
  created_by: string;
  rules: string;
}

const toPolicy = (r: Row): TolerancePolicy => ({ ...ToleranceRules.parse(JSON.parse(r.rules)), version: r.version, created_at: r.created_at, created_by: r.created_by });

/** The policy in force: the newest version, or the built-in default (version 0). */
export function currentPolicy(db: Db): TolerancePolicy {
  const r = db.prepare<[], Row>('SELECT version, created_at, created_by, rules FROM tolerance_policies ORDER BY version DESC LIMIT 1').get();
  return r ? toPolicy(r) : { ...structuredClone(DEFAULT_TOLERANCE_RULES), version: 0, created_at: null, created_by: null };
}

export function policyVersion(db: Db, version: number): TolerancePolicy | null {
  if (version === 0) return { ...structuredClone(DEFAULT_TOLERANCE_RULES), version: 0, created_at: null, created_by: null };
  const r = db.prepare<[number], Row>('SELECT version, created_at, created_by, rules FROM tolerance_policies WHERE version = ?').get(version);
  return r ? toPolicy(r) : null;
}

export function policyHistory(db: Db): TolerancePolicy[] {
  return db.prepare<[], Row>('SELECT version, created_at, created_by, rules FROM tolerance_policies ORDER BY version DESC').all().map(toPolicy);
}

/** Writes a new version (never changes an old one) and audits it. */
export function savePolicy(ws: Workstation, rules: unknown, actor: string): TolerancePolicy {
  const parsed = ToleranceRules.safeParse(rules);
  if (!parsed.success) throw new RxError('BAD_INPUT', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return ws.db
    .transaction(() => {
      const next = currentPolicy(ws.db).version + 1;
      const at = ws.clock.now().toISOString();
      ws.db.prepare('INSERT INTO tolerance_policies (version, created_at, created_by, rules) VALUES (?, ?, ?, ?)').run(next, at, actor, JSON.stringify(parsed.data));
      ws.audit.record({ actor, action: 'TOLERANCE_POLICY_CHANGED', target: `v${next}`, details: { rules: parsed.data } });
      return policyVersion(ws.db, next)!;
    })
    .immediate();
}
