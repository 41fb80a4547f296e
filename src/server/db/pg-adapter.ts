import type { PGlite } from '@electric-sql/pglite';
import type { Pool, PoolClient } from 'pg';

/** What every query site needs: the same SQL runs on PostgreSQL (pg) and on embedded PGlite. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[]; rowCount: number }>;
}

export interface Store extends Sql {
  readonly kind: 'postgres' | 'pglite';
  /** BEGIN … COMMIT on one connection; a thrown error rolls back. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Several statements separated by semicolons, no parameters (migrations). */
  exec(text: string): Promise<void>;
  close(): Promise<void>;
}

export interface StoreConfig {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  /** Pool size per process; several processes share one PostgreSQL. */
  maxConnections?: number;
}

/** int8 as a JS number: counts and sequence numbers stay far below 2^53. */
const INT8_OID = 20;
const toNumber = (v: string) => Number(v);

export async function openStore(cfg: StoreConfig): Promise<Store> {
  if (cfg.databaseUrl) return openPostgres(cfg.databaseUrl, cfg.maxConnections ?? 10);
  if (cfg.dataDir) return openPglite(cfg.dataDir);
  throw new Error('the central server needs DATABASE_URL (PostgreSQL) or --data DIR (embedded PGlite)');
}

async function openPostgres(url: string, max: number): Promise<Store> {
  const pg = (await import('pg')).default;
  const pool: Pool = new pg.Pool({
    connectionString: url,
    max,
    // A statement stuck behind a lock must not hold an HTTP request forever.
    statement_timeout: 30_000,
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? toNumber : pg.types.getTypeParser(oid, format))) as never },
  });
  // An idle client losing its connection (PostgreSQL restart) must not crash the process.
  pool.on('error', () => {});
  const wrap = (c: Pool | PoolClient): Sql => ({
    async query<T>(text: string, params?: unknown[]) {
      const r = await c.query(text, params as unknown[]);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
  });
  return {
    kind: 'postgres',
    ...wrap(pool),
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(wrap(client));
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async exec(text: string) {
      await pool.query(text);
    },
    async close() {
      await pool.end();
    },
  };
}

async function openPglite(dataDir: string): Promise<Store> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db: PGlite = await PGlite.create(dataDir, { parsers: { [INT8_OID]: toNumber } });
  const wrap = (c: Pick<PGlite, 'query'>): Sql => ({
    async query<T>(text: string, params?: unknown[]) {
      const r = await c.query<T>(text, params as unknown[]);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
  });
  return {
    kind: 'pglite',
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    async exec(text: string) {
      await db.exec(text);
    },
    async close() {
      await db.close();
    },
  };
}

/** timestamptz comes back as a Date from both drivers; the API speaks ISO 8601. */
export function iso(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}
