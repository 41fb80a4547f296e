// Lint rules, and the boundaries between the processes (DESIGN.md "Processes and folders").
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const DOM_GLOBALS = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'indexedDB', 'location', 'HTMLElement', 'fetch'];
// The workstation (src/main) and the central server (src/server) share code only through
// src/shared (the ledger core, the sync protocol); neither imports the other.
const MAIN_PATTERNS = [
  { group: ['**/renderer/**'], message: 'the main process does not import the renderer' },
  { group: ['**/server/**', '**/cli/**'], message: 'src/main does not import src/server or src/cli: what both sides need is in src/shared (the ledger core, the sync protocol)' },
];
const SERVER_PATTERNS = [
  { group: ['**/renderer/**'], message: 'the server does not import the renderer' },
  { group: ['**/main/**', '**/cli/**'], message: 'src/server does not import src/main or src/cli: what both sides need is in src/shared (the ledger core, the sync protocol)' },
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    // Shared code runs in the renderer, the main process and the server: pure TypeScript only.
    files: ['src/shared/**/*.ts'],
    ignores: ['src/shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'src/shared must not import electron' }, ...nodeBuiltins.map((name) => ({ name, message: 'src/shared must not import Node built-ins' }))],
          patterns: [
            { group: ['**/main/**', '**/renderer/**', '**/server/**', '**/preload/**', '**/cli/**'], message: 'src/shared imports only src/shared and pure packages' },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...DOM_GLOBALS.map((name) => ({ name, message: 'src/shared must not use the DOM' }))],
    },
  },
  {
    // The renderer talks to the main process only through the contract (src/shared/ipc).
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'the renderer uses window.rxledger, never electron' }],
          patterns: [{ group: ['**/main/**', '**/server/**', '**/cli/**', '**/preload/**', 'node:*'], message: 'src/renderer imports nothing from src/main (use the IPC contract in src/shared/ipc)' }],
        },
      ],
    },
  },
  {
    // Services run under plain Node (tests, browser mode, CLI); only the Electron shell imports electron.
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'only src/main/electron/ may import electron: services must run under plain Node' }],
          patterns: MAIN_PATTERNS,
        },
      ],
    },
  },
  {
    // The Electron shell may import electron, and is otherwise held to the main process's boundary.
    files: ['src/main/electron/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: MAIN_PATTERNS }] },
  },
  {
    files: ['src/server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'the server never imports electron' }], patterns: SERVER_PATTERNS }],
    },
  },
  {
    // The PDF writer of the DEA reports (pdfkit), run by the workstation and the central server
    // alike: Node-side, so not in src/shared, and like src/shared it imports neither process.
    files: ['src/reports-pdf/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'the PDF writer runs under plain Node too (the central server)' }],
          patterns: [{ group: ['**/main/**', '**/renderer/**', '**/server/**', '**/preload/**', '**/cli/**'], message: 'src/reports-pdf imports only src/shared and packages: the workstation and the server both use it' }],
        },
      ],
    },
  },
  {
    // Tests that drive a workstation against a real server import both sides.
    files: ['src/server/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'the server never imports electron' }], patterns: SERVER_PATTERNS.slice(0, 1) }],
    },
  },
);
