import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { lingerOnClose } from '../../shared/http/linger';

/**
 * Checks that a request to a loopback service came from a page of that service. A web page on
 * another origin can make the user's browser send requests to 127.0.0.1 (CSRF), and a DNS
 * rebinding attack makes an attacker's host name resolve to 127.0.0.1: the Host and Origin
 * checks refuse both, and the token proves the caller was given it by this launch.
 */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

export function checkHostAndOrigin(req: IncomingMessage, port: number): string | null {
  const host = (req.headers.host ?? '').toLowerCase();
  const hosts = allowedHosts(port);
  if (!hosts.has(host)) return `Host "${host}" is not this workstation (expected 127.0.0.1:${port})`;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let o: URL;
    try {
      o = new URL(origin);
    } catch {
      return `Origin "${origin}" is not a URL`;
    }
    if (o.protocol !== 'http:' || !hosts.has(o.host.toLowerCase())) return `Origin "${origin}" may not call this workstation`;
  }
  // Browsers send Sec-Fetch-Site; a cross-site request is refused even where Origin is absent.
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site') return 'cross-site requests are refused';
  return null;
}

export function tokenMatches(given: string | undefined | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function bearerToken(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : null;
}

export class BodyTooLargeError extends Error {}

/**
 * Reads a request body up to a limit, refusing early rather than buffering a huge upload. On a
 * refusal the connection is set to linger (`lingerOnClose`): the caller answers 413 with
 * `Connection: close`, and the client, still sending, reads that answer instead of a reset. The
 * request is not destroyed here, since that would close the socket before the 413 is written.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    lingerOnClose(req.socket);
    return Promise.reject(new BodyTooLargeError(`request body of ${declared} bytes exceeds ${limit}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      stop();
      lingerOnClose(req.socket);
      // Flowing with no listener: what still arrives is read and dropped.
      req.resume();
      reject(new BodyTooLargeError(`request body exceeds ${limit} bytes`));
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    // A client that goes away mid-body: the same error the stream gives, for isClientAbort.
    const onClose = () => {
      stop();
      reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * The request's path, decoded, or null when it is not valid percent-encoding (`/%E0%A4%A`):
 * the caller answers 400, never lets the URIError become a 500.
 */
export function decodedPathname(req: IncomingMessage): string | null {
  try {
    return decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
  } catch {
    return null;
  }
}

/** A client that went away mid-request: nothing to answer, nothing wrong with the service. */
export function isClientAbort(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === 'ECONNRESET' || e?.code === 'ERR_STREAM_PREMATURE_CLOSE' || e?.code === 'EPIPE' || e?.message === 'aborted';
}

/**
 * Logs aborted requests as one line each, at most one line per `everyMs` (the lines in between
 * are counted into the next one): 300 slow clients hanging up must not bury the log in stacks.
 */
export function abortLogger(prefix: string, write: (line: string) => void = (l) => process.stderr.write(l), everyMs = 10_000, now: () => number = Date.now) {
  let last = -Infinity;
  let suppressed = 0;
  return (req: { method?: string | undefined; url?: string | undefined }): void => {
    const t = now();
    if (t - last < everyMs) {
      suppressed++;
      return;
    }
    last = t;
    const more = suppressed ? ` (and ${suppressed} more since the last line)` : '';
    suppressed = 0;
    write(`${prefix} client closed the connection before the answer: ${req.method ?? '?'} ${(req.url ?? '').slice(0, 200)}${more}\n`);
  };
}
