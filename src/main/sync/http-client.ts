import { sign, type KeyObject } from 'node:crypto';
import type { z } from 'zod';
import { ChallengeResponse, HEADERS, requestSigningString } from '../../shared/sync/protocol';
import { sha256Hex } from '../ledger/hash';
import { SyncError } from './errors';

/** SyncError.code of a request whose connection was cut under it (no answer, no timeout). */
export const CONNECTION_RESET = 'CONNECTION_RESET';
/** Node's and undici's codes for a connection the other side closed or reset. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

export interface ClientOptions {
  serverUrl: string;
  deviceId: string;
  privateKey: KeyObject;
  /** Per request; a server that does not answer in time counts as down. */
  timeoutMs?: number;
  /** Aborts whatever is in flight (the worker stopping). */
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/**
 * HTTP to the central server. Every device request is signed over method, path, the SHA-256
 * of the exact body bytes and a single-use challenge fetched just before, so neither a
 * secret nor a clock is involved.
 */
export class SyncClient {
  readonly baseUrl: string;
  private readonly doFetch: typeof fetch;

  constructor(private readonly opts: ClientOptions) {
    this.baseUrl = opts.serverUrl.replace(/\/+$/, '');
    this.doFetch = opts.fetch ?? fetch;
  }

  /** An unauthenticated request (enrollment, challenge). */
  async post<S extends z.ZodType>(path: string, body: unknown, schema: S, extraHeaders: Record<string, string> = {}): Promise<z.infer<S>> {
    const text = JSON.stringify(body);
    return this.send(path, text, { 'content-type': 'application/json', ...extraHeaders }, schema);
  }

  /**
   * A device-signed request. Tried once more at once, with a new challenge, when the challenge
   * was stale or the connection was reset (a kept-alive socket the server closed while this
   * process was busy — the request may or may not have arrived); a second failure is the
   * outbox's to retry with backoff. Safe to repeat: pushes and signatures are idempotent on the
   * server (the same entry again is "already"), pulls only read, and each attempt signs a new
   * single-use challenge.
   */
  async signedPost<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    const text = JSON.stringify(body);
    const bodyHash = sha256Hex(text);
    for (let attempt = 0; ; attempt++) {
      try {
        const { nonce } = await this.post('/v1/auth/challenge', { device_id: this.opts.deviceId }, ChallengeResponse);
        const message = requestSigningString('POST', path, bodyHash, this.opts.deviceId, nonce);
        const signature = sign(null, Buffer.from(message, 'utf8'), this.opts.privateKey).toString('base64');
        return await this.send(path, text, { 'content-type': 'application/json', [HEADERS.device]: this.opts.deviceId, [HEADERS.nonce]: nonce, [HEADERS.signature]: signature }, schema);
      } catch (err) {
        if (attempt === 0 && err instanceof SyncError && (err.code === 'NONCE_INVALID' || err.code === CONNECTION_RESET)) continue;
        throw err;
      }
    }
  }

  private async send<S extends z.ZodType>(path: string, text: string, headers: Record<string, string>, schema: S): Promise<z.infer<S>> {
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 30_000);
    const signal = this.opts.signal ? AbortSignal.any([timeout, this.opts.signal]) : timeout;
    let res: Response;
    let raw: string;
    try {
      res = await this.doFetch(this.baseUrl + path, { method: 'POST', headers, body: text, signal });
      raw = await res.text();
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why = e.name === 'TimeoutError' ? `no answer within ${this.opts.timeoutMs ?? 30_000} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
      const reset = e.name !== 'TimeoutError' && e.name !== 'AbortError' && RESET_CODES.has(e.cause?.code ?? '');
      throw new SyncError('transient', `central server ${this.baseUrl} unreachable: ${why}`, null, reset ? CONNECTION_RESET : null);
    }
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      // a proxy's HTML error page: handled by status below
    }
    if (!res.ok) {
      const code = typeof json.error === 'string' ? json.error : null;
      const message = typeof json.message === 'string' ? json.message : `HTTP ${res.status} ${raw.slice(0, 200)}`;
      if (res.status >= 500 || res.status === 408 || res.status === 429) throw new SyncError('transient', `central server error (${res.status}): ${message}`, res.status, code, json);
      if ((res.status === 401 || res.status === 403) && code !== 'NONCE_INVALID') throw new SyncError('auth', message, res.status, code, json);
      throw new SyncError('refused', message, res.status, code, json);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new SyncError('transient', `central server ${this.baseUrl} sent an answer this workstation does not understand (${path})`, res.status);
    return parsed.data;
  }
}
