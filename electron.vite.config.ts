import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { devCsp } from './vite.renderer.config';

const r = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * The desktop build. The main process keeps its native dependencies (better-sqlite3, usb)
 * external: they are loaded from node_modules, rebuilt for Electron by electron-builder and
 * unpacked from the asar. The preload is one bundled CommonJS file, as a sandboxed preload
 * must be.
 */
export default defineConfig({
  main: {
    build: {
      outDir: r('./out/main'),
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: r('./src/main/electron/main.ts'),
          'verify-worker': r('./src/main/ledger/verify-worker.ts'),
          'reports-worker': r('./src/main/reports/worker.ts'),
          'catalog-import-worker': r('./src/main/catalog/import-worker.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: r('./out/preload'),
      externalizeDeps: false,
      rollupOptions: {
        input: { index: r('./src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  renderer: {
    root: r('./src/renderer'),
    plugins: [react(), devCsp()],
    build: {
      outDir: r('./out/renderer'),
      rollupOptions: { input: r('./src/renderer/index.html') },
    },
  },
});
