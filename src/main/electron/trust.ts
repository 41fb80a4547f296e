import { extname, resolve, sep } from 'node:path';

/**
 * The Electron shell's security decisions as pure functions, so they are tested under plain
 * Node (the Electron runtime cannot be downloaded on the build machines); main.ts only wires
 * them to Electron's events. No `electron` import here.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'rxledger';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; media-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-src 'none'; frame-ancestors 'none'; form-action 'none'";

/** The origin pages may come from: app://rxledger, or the dev server's origin under electron-vite dev. */
export function trustedOrigin(devServerUrl?: string): string {
  if (!devServerUrl) return APP_ORIGIN;
  return new URL(devServerUrl).origin;
}

function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    // Custom schemes have an opaque origin ("null") in WHATWG URL: build it from the parts.
    return u.protocol === `${APP_SCHEME}:` ? `${APP_SCHEME}://${u.host}` : u.origin;
  } catch {
    return null;
  }
}

/** IPC is answered only for our origin's top frame: not another page, not a file:// URL, not a subframe. */
export function isTrustedSender(frameUrl: string, isTopFrame: boolean, devServerUrl?: string): boolean {
  return isTopFrame && originOf(frameUrl) === trustedOrigin(devServerUrl);
}

/** Navigation, redirects and frame navigations: only within our origin's top frame. Subframes never. */
export function isAllowedNavigation(url: string, isMainFrame: boolean, devServerUrl?: string): boolean {
  return isMainFrame && originOf(url) === trustedOrigin(devServerUrl);
}

/** Every permission (camera, notifications, clipboard, …) is refused: the app needs none. */
export function permissionAllowed(): boolean {
  return false;
}

/**
 * The file under `root` an app:// URL names, or null: another scheme or host, a path that is
 * not valid percent-encoding, `..`, a backslash or NUL (path traversal), or outside `root`.
 * `/` is index.html.
 */
export function resolveAppPath(url: string, root: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\') || path.split('/').some((s) => s === '..')) return null;
  if (path === '/' || path === '') path = '/index.html';
  const base = resolve(root);
  const file = resolve(base, `.${path}`);
  return file.startsWith(base + sep) ? file : null;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
};

/** The headers of every app:// response: the CSP and the rest, on every file, not only HTML. */
export function headersFor(path: string): Record<string, string> {
  return {
    'Content-Type': MIME[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
    'Cache-Control': path.endsWith('.html') ? 'no-store' : 'public, max-age=3600',
  };
}
