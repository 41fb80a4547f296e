import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from './app';
import { countAdminTokens, createAdminToken } from './auth/admin-token';
import { migrateServer } from './db/migrations';
import { openStore, type Store } from './db/pg-adapter';

export interface StorageChoice {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
}

export interface RunningServer {
  url: string;
  port: number;
  app: FastifyInstance;
  store: Store;
  close(): Promise<void>;
}

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt it,
 * so the folder is locked by a pid file. PostgreSQL needs no such lock.
 */
function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'rxledger-server.lock');
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(`${dir} is in use by another RxLedger server process (pid ${pid}); embedded storage serves one process. Use PostgreSQL (DATABASE_URL) for several.`);
    }
    unlinkSync(file);
  }
  const fd = openSync(file, 'wx', 0o600);
  writeSync(fd, String(process.pid));
  closeSync(fd);
  return () => {
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function openServerStore(choice: StorageChoice): Promise<{ store: Store; release: () => Promise<void> }> {
  const unlock = choice.databaseUrl ? () => {} : choice.dataDir ? lockDataDir(choice.dataDir) : () => {};
  try {
    const store = await openStore(choice);
    await migrateServer(store);
    return {
      store,
      release: async () => {
        await store.close();
        unlock();
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}

/** `rxledger server init`: the schema and an administrator token (only its hash is stored). */
export async function initServer(choice: StorageChoice, opts: { newToken?: boolean } = {}): Promise<{ token: string; storage: string; tokens: number }> {
  const { store, release } = await openServerStore(choice);
  try {
    const existing = await countAdminTokens(store);
    if (existing > 0 && !opts.newToken) {
      throw new Error('this server is already initialized (an administrator token exists). Add --new-token to issue another one.');
    }
    const token = await createAdminToken(store);
    return { token, storage: store.kind, tokens: existing + 1 };
  } finally {
    await release();
  }
}

export async function startServer(
  choice: StorageChoice & { port: number; host?: string } & Omit<AppOptions, 'store'>,
): Promise<RunningServer> {
  const { store, release } = await openServerStore(choice);
  try {
    const app = await buildApp({ ...choice, store });
    await app.listen({ port: choice.port, host: choice.host ?? '127.0.0.1' });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : choice.port;
    const host = choice.host && choice.host !== '0.0.0.0' && choice.host !== '::' ? choice.host : '127.0.0.1';
    return {
      url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      port,
      app,
      store,
      async close() {
        await app.close();
        await release();
      },
    };
  } catch (err) {
    await release();
    throw err;
  }
}
