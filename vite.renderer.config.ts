import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The dev server's React Refresh preamble is an inline script, which the CSP in index.html
 * (script-src 'self') refuses. Only while serving, allow inline scripts; the built app keeps the
 * strict policy. electron.vite.config.ts can import this for its renderer too.
 */
export function devCsp(): Plugin {
  return {
    name: 'rxledger-dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'");
    },
  };
}

/**
 * The renderer alone, for browser mode and for checking the build without Electron. The
 * electron-vite config builds the same root; both write to out/renderer, which the hosts serve.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./src/renderer', import.meta.url)),
  base: './',
  plugins: [react(), devCsp()],
  build: {
    outDir: fileURLToPath(new URL('./out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: true,
    // One bundle for a desktop app loaded from disk or loopback: no network cost to split for.
    chunkSizeWarningLimit: 2000,
    // The central server's web console is a second page of the same build, so it shares the
    // workstation's styles and React; `rxledger server` serves console.html and assets/.
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('./src/renderer/index.html', import.meta.url)),
        console: fileURLToPath(new URL('./src/renderer/console.html', import.meta.url)),
      },
    },
  },
});
