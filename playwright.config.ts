import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests drive the workstation in browser mode with Debian's Chromium: Playwright's
 * own browser download is not reachable here. Each test starts its own `rxledger serve` on a
 * free loopback port with a fresh data folder (e2e/fixtures.ts).
 */
export default defineConfig({
  testDir: 'e2e',
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  globalSetup: './e2e/global-setup.ts',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env.RXLEDGER_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
