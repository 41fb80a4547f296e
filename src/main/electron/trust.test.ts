import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL, headersFor, isAllowedNavigation, isTrustedSender, permissionAllowed, resolveAppPath } from './trust';

describe('isTrustedSender', () => {
  it('accepts only the app origin top frame', () => {
    expect(isTrustedSender(APP_INDEX_URL, true)).toBe(true);
    expect(isTrustedSender('app://rxledger/screens/x', true)).toBe(true);
  });
  it('refuses any file:// URL, a subframe, another host, another scheme, garbage', () => {
    for (const url of ['file:///tmp/evil.html', 'file:///opt/RxLedger/resources/app/out/renderer/index.html', 'app://evil/index.html', 'http://127.0.0.1/', 'https://rxledger/', 'app:rxledger', '', 'not a url']) {
      expect(isTrustedSender(url, true), url).toBe(false);
    }
    expect(isTrustedSender(APP_INDEX_URL, false)).toBe(false);
  });
  it('under the dev server: its exact origin only, not one that starts the same', () => {
    expect(isTrustedSender('http://localhost:5173/index.html', true, 'http://localhost:5173')).toBe(true);
    expect(isTrustedSender('http://localhost:5173.evil.test/', true, 'http://localhost:5173')).toBe(false);
    expect(isTrustedSender('http://localhost:51730/', true, 'http://localhost:5173')).toBe(false);
    expect(isTrustedSender(APP_INDEX_URL, true, 'http://localhost:5173')).toBe(false);
  });
});

describe('navigation, redirect and frame navigation guards', () => {
  it('allow our origin in the main frame only', () => {
    expect(isAllowedNavigation('app://rxledger/index.html', true)).toBe(true);
    expect(isAllowedNavigation('app://rxledger/index.html', false)).toBe(false);
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'app://other/', 'javascript:alert(1)', 'data:text/html,x']) expect(isAllowedNavigation(url, true), url).toBe(false);
  });
  it('refuse every permission check', () => {
    expect(permissionAllowed()).toBe(false);
  });
});

describe('resolveAppPath', () => {
  const root = resolve('/opt/rx/renderer');
  it('maps app://rxledger paths under the renderer folder; / is index.html', () => {
    expect(resolveAppPath('app://rxledger/', root)).toBe(join(root, 'index.html'));
    expect(resolveAppPath('app://rxledger/assets/main-1.js', root)).toBe(join(root, 'assets', 'main-1.js'));
    expect(resolveAppPath('app://rxledger/a%20b.css', root)).toBe(join(root, 'a b.css'));
  });
  it('refuses traversal (plain, encoded, double-encoded, backslash, NUL), malformed encoding, other hosts and schemes', () => {
    // The URL parser folds literal dot segments before we see them: the result stays under root.
    expect(resolveAppPath('app://rxledger/../../etc/passwd', root)).toBe(join(root, 'etc', 'passwd'));
    expect(resolveAppPath('app://rxledger/%2e%2e/%2e%2e/etc/passwd', root)).toBe(join(root, 'etc', 'passwd'));
    for (const url of [
      'app://rxledger/assets/%2E%2E%2F%2E%2E%2Fsecret',
      'app://rxledger/..%5C..%5Csecret',
      'app://rxledger/a%00.js',
      'app://rxledger/%E0%A4%A',
      'app://evil/index.html',
      'file:///opt/rx/renderer/index.html',
      'not a url',
    ]) {
      expect(resolveAppPath(url, root), url).toBeNull();
    }
  });
});

describe('headersFor', () => {
  it('gives every response the CSP (form-action none, no frames, no objects) and the other headers, whatever the file', () => {
    for (const p of ['/x/index.html', '/x/a.js', '/x/a.css', '/x/unknown.bin']) {
      const h = headersFor(p);
      expect(h['Content-Security-Policy']).toMatch(/form-action 'none'/);
      expect(h['Content-Security-Policy']).toMatch(/frame-ancestors 'none'/);
      expect(h['Content-Security-Policy']).toMatch(/object-src 'none'/);
      expect(h['Content-Security-Policy']).not.toMatch(/unsafe-eval/);
      expect(h['X-Content-Type-Options']).toBe('nosniff');
      expect(h['X-Frame-Options']).toBe('DENY');
    }
    expect(headersFor('/x/index.html')['Content-Type']).toMatch(/^text\/html/);
    expect(headersFor('/x/a.js')['Content-Type']).toMatch(/^text\/javascript/);
  });
});
