import type { Statement } from 'better-sqlite3';
import type { Db } from './open';

// Statements prepared once per connection. Preparing costs tens of microseconds, more than
// running a keyed lookup, and the POS path makes several lookups per request.
const caches = new WeakMap<Db, Map<string, Statement<unknown[] | object, unknown>>>();

/**
 * The connection's prepared statement for this SQL, prepared on first use. Only for SQL text
 * that is a constant: the cache lives as long as the connection and is never pruned.
 */
export function cachedStatement<P extends unknown[] | object = unknown[], R = unknown>(db: Db, sql: string): Statement<P, R> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) cache.set(sql, (stmt = db.prepare(sql) as Statement<unknown[] | object, unknown>));
  return stmt as unknown as Statement<P, R>;
}
