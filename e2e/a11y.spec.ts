import type { Page, TestInfo } from '@playwright/test';
import { enrollWorkstation, syncOnce } from '../src/main/sync';
import { addFacility, adminCall, appendHold, cleanupAll, enrollmentCode, newWorkstation, prepareServer, raiseFork, spawnServer, tempDir } from '../test/sync-faults/helpers';
import { expectNoSeriousViolations, screenFailures } from './axe';
import { ADMIN_PASSWORD, drugRecord, expect, signIn, startStation, test } from './fixtures';

/**
 * The counter's screen: 1366 × 768. Every screen each role can open, the sign-in and
 * change-password screens and the central console are checked with axe-core (WCAG 2.0/2.1 A
 * and AA; a serious or critical violation fails, e2e/axe.ts) and photographed; the screenshots
 * and each check's full axe results (axe-*.json) are kept with the run (testInfo.outputPath).
 */
test.use({ viewport: { width: 1366, height: 768 } });

const USERS = [
  { user: 'tina', role: 'technician', password: 'technician-pass-1', home: 'receiving' },
  { user: 'pat', role: 'pharmacist', password: 'pharmacist-pass-1', home: 'holds' },
  { user: 'mona', role: 'manager', password: 'manager-pass-1', home: 'reports' },
  { user: 'admin', role: 'admin', password: ADMIN_PASSWORD, home: 'settings' },
] as const;

/** Alt+number of each screen: the same for every role (src/renderer/screens/screen-list.ts). */
const NUMBERS: Record<string, number> = { inventory: 1, ledger: 2, receiving: 3, quarantine: 4, alerts: 5, counts: 6, holds: 7, settings: 8, reports: 9 };

async function shot(page: Page, info: TestInfo, name: string) {
  await page.screenshot({ path: info.outputPath(`${name}.png`) });
}

test('every screen of every role at 1366 × 768: the whole nav visible, stable Alt+numbers, home screen, no serious accessibility problems', async ({ page }, info) => {
  // Some 40 axe runs, each a few seconds on a shared two-core machine.
  test.setTimeout(600_000);
  const station = await startStation({
    seed: ({ addUser, asAdmin, ingest }) => {
      addUser('tina', 'technician', 'technician-pass-1');
      addUser('pat', 'pharmacist', 'pharmacist-pass-1');
      addUser('mona', 'manager', 'manager-pass-1');
      // Added by the administrator and never signed in: must choose a new password first.
      asAdmin(['user', 'add', '--user', 'nina', '--name', 'Nina New', '--role', 'technician'], 'given-password-1\n');
      ingest([drugRecord()]);
    },
  });
  try {
    await page.goto(station.url);
    await expectNoSeriousViolations(page, info, 'sign-in');
    await shot(page, info, 'sign-in');

    // The change-password screen, as it opens and with a refused new password.
    await signIn(page, 'nina', 'given-password-1');
    await expect(page.getByTestId('pw-current')).toBeVisible();
    await expectNoSeriousViolations(page, info, 'change-password');
    await shot(page, info, 'change-password');
    await page.getByTestId('pw-current').fill('given-password-1');
    await page.getByTestId('pw-new').fill('short');
    await page.getByTestId('pw-repeat').fill('short');
    await page.getByTestId('pw-submit').click();
    await expect(page.getByTestId('pw-error')).toContainText('at least 10');
    await expectNoSeriousViolations(page, info, 'change-password refused');
    await shot(page, info, 'change-password-refused');
    await page.getByTestId('sign-out').click();
    await expect(page.getByTestId('signin-user')).toBeVisible();
    let previous: string | null = null;
    for (const u of USERS) {
      await signIn(page, u.user, u.password);
      // Each user starts on the role's home screen, never on the previous user's last screen.
      await expect(page.getByTestId(`nav-${u.home}`)).toHaveAttribute('aria-current', 'page');
      if (previous) expect(previous).not.toBe(u.home);

      // The whole navigation on one line, inside the window: nothing to scroll sideways to.
      const nav = await page.evaluate(() => {
        const items = [...document.querySelectorAll<HTMLElement>('.nav-item')].map((b) => b.getBoundingClientRect());
        const list = document.querySelector<HTMLElement>('.topbar nav')!;
        return {
          pageScrolls: document.documentElement.scrollWidth > window.innerWidth,
          navScrolls: list.scrollWidth > list.clientWidth,
          outside: items.filter((r) => r.left < 0 || r.right > window.innerWidth || r.bottom > window.innerHeight).length,
          rows: new Set(items.map((r) => Math.round(r.top))).size,
        };
      });
      expect(nav).toEqual({ pageScrolls: false, navScrolls: false, outside: 0, rows: 1 });

      const allowed = await page.locator('.nav-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.replace('nav-', '')));
      for (const id of allowed) {
        // Each screen opens with its own number, whatever the role.
        await expect(page.getByTestId(`nav-${id}`)).toHaveAttribute('aria-keyshortcuts', `Alt+${NUMBERS[id]}`);
        await page.keyboard.press(`Alt+Digit${NUMBERS[id]}`);
        await expect(page.getByTestId(`nav-${id}`)).toHaveAttribute('aria-current', 'page');
        await expect(page.locator('main.screen h1').first()).toBeVisible();
        // The screen's first answers have arrived before it is judged and photographed: nothing
        // says "Loading…" and no form waits for its stored values.
        await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0);
        await expect(page.locator('main').getByText('Loading…', { exact: true })).toHaveCount(0);
        await page.waitForTimeout(200);
        await expectNoSeriousViolations(page, info, `${u.role} ${id}`);
        await shot(page, info, `${u.role}-${NUMBERS[id]}-${id}`);
      }
      const notAllowed = Object.keys(NUMBERS).filter((id) => !allowed.includes(id));
      for (const id of notAllowed) {
        // A screen the role cannot open keeps its number: the key says so and opens nothing else.
        const before = await page.locator('.nav-item[aria-current=page]').getAttribute('data-testid');
        await page.keyboard.press(`Alt+Digit${NUMBERS[id]}`);
        await expect(page.getByTestId('nav-note')).toContainText(`Alt+${NUMBERS[id]} opens`);
        await expect(page.locator('.nav-item[aria-current=page]')).toHaveAttribute('data-testid', before!);
      }
      if (notAllowed.length) await shot(page, info, `${u.role}-shortcut-not-used`);
      // Leaves on a screen other than home, for the next user not to inherit.
      await page.keyboard.press('Alt+Digit2');
      previous = 'ledger';
      await page.getByTestId('sign-out').click();
    }
    // Signing in again: home, not where this user left off.
    await signIn(page, 'tina', 'technician-pass-1');
    await expect(page.getByTestId('nav-receiving')).toHaveAttribute('aria-current', 'page');
    // A reload keeps the screen the user is on.
    await page.keyboard.press('Alt+Digit6');
    await expect(page.getByTestId('nav-counts')).toHaveAttribute('aria-current', 'page');
    await page.reload();
    await expect(page.getByTestId('nav-counts')).toHaveAttribute('aria-current', 'page');
    // The stock card, the one view opened over a screen that the other specs do not check.
    await page.keyboard.press('Alt+Digit1');
    await page.getByTestId('stock-row').first().focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('stock-card')).toBeVisible();
    await expectNoSeriousViolations(page, info, 'technician stock card');
    await shot(page, info, 'technician-stock-card');
  } finally {
    await station.stop();
  }
});

test('problems beside their field: sign-in that does not reveal user IDs, the idle logoff, a count not entered', async ({ page }, info) => {
  test.setTimeout(240_000);
  const station = await startStation({
    seed: ({ addUser, ingest }) => {
      addUser('tina', 'technician', 'technician-pass-1');
      ingest([drugRecord()]);
    },
  });
  try {
    await page.goto(station.url);
    const password = page.getByTestId('signin-password');
    await signIn(page, 'tina', 'wrong-password');
    const problem = page.getByTestId('signin-error');
    await expect(problem).toContainText('4 attempts left');
    const known = await problem.textContent();
    // Beside the password, tied to it for screen readers, with the cursor back in it.
    await expect(password).toHaveAttribute('aria-invalid', 'true');
    await expect(password).toHaveAttribute('aria-describedby', (await problem.getAttribute('id'))!);
    await expect(password).toBeFocused();
    await expect(password).toHaveValue('');
    await expectNoSeriousViolations(page, info, 'sign-in refused');
    await shot(page, info, 'sign-in-wrong-password');
    await signIn(page, 'nobody-here', 'wrong-password');
    await expect(problem).toHaveText(known!);

    await signIn(page, 'admin', ADMIN_PASSWORD);
    await expect(page.getByTestId('nav-settings')).toHaveAttribute('aria-current', 'page');
    const idle = page.getByTestId('settings-idle');
    // The stored value arrives after the screen: typing before it lands would append to it.
    await expect(idle).toHaveValue(/^\d+$/);
    await idle.fill('abc');
    await page.getByTestId('settings-idle-save').click();
    await expect(page.getByTestId('settings-idle-problem')).toHaveText('Numbers only: "abc" is not a number of minutes.');
    await expect(idle).toHaveAttribute('aria-invalid', 'true');
    await expect(idle).toBeFocused();
    // Scrolled to once the problem is showing: the field, its problem and Save all in view.
    await expect(page.getByTestId('settings-idle-problem')).toBeInViewport({ ratio: 1 });
    await expect(page.getByTestId('settings-idle-save')).toBeInViewport({ ratio: 1 });
    await expectNoSeriousViolations(page, info, 'settings refused');
    await shot(page, info, 'settings-idle-refused');
    await idle.fill('-5');
    await page.getByTestId('settings-idle-save').click();
    await expect(page.getByTestId('settings-idle-problem')).toContainText('cannot be negative');
    await idle.fill('7');
    await page.getByTestId('settings-idle-save').click();
    await expect(page.getByTestId('settings-idle-saved')).toContainText('7 idle minutes');
    await expect(page.getByTestId('settings-idle-problem')).toHaveCount(0);
    await expect(idle).not.toHaveAttribute('aria-invalid', 'true');
    await page.getByTestId('sign-out').click();

    // Submit with a line not counted: the line's field is brought into view and focused.
    await signIn(page, 'tina', 'technician-pass-1');
    await expect(page.getByTestId('nav-receiving')).toHaveAttribute('aria-current', 'page');
    await page.keyboard.press('Alt+Digit6');
    await page.getByTestId('count-scope').selectOption('ndcs');
    await page.getByTestId('count-ndcs').fill('00002-1200-30');
    await page.getByTestId('count-begin').click();
    const units = page.getByTestId('count-line').getByTestId('count-units');
    await expect(units).toHaveCount(1);
    await page.getByTestId('count-submit').click();
    await expect(page.getByTestId('count-error')).toContainText('Not counted yet');
    await expect(units).toBeFocused();
    await units.fill('abc');
    await expect(page.getByTestId('count-units-problem')).toContainText('Numbers only');
    await expect(units).toHaveAttribute('aria-describedby', (await page.getByTestId('count-units-problem').getAttribute('id'))!);
    await expectNoSeriousViolations(page, info, 'count refused');
    // The sheet, its problem showing, fits 1366 px: nothing hidden off the right edge.
    await expect(page.getByTestId('count-containers-toggle')).toBeInViewport({ ratio: 1 });
    expect(await page.locator('.app-body').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await shot(page, info, 'count-refused');
  } finally {
    await station.stop();
  }
});

test('the central console at 1366 × 768: sign-in, a refused sign-in, devices with a blocked workstation, the signed decision form, stock and holds', async ({ page }, info) => {
  test.setTimeout(240_000);
  const storage = { dataDir: tempDir('console-a11y') };
  const token = await prepareServer(storage);
  const server = await spawnServer(storage);
  try {
    await addFacility(server.url, token, 'MAIN01');
    await adminCall(server.url, token, 'POST', '/v1/admin/console-users', { user_id: 'cofficer', name: 'Dana Compliance', role: 'compliance_officer', password: 'compliance-pw-0001' });
    const { ws } = newWorkstation('MAIN01');
    await enrollWorkstation(ws, server.url, await enrollmentCode(server.url, token, 'MAIN01'));
    await raiseFork(server.url, ws);
    // A hold open at a second workstation, for the holds view to list.
    const counter = newWorkstation('MAIN01').ws;
    await enrollWorkstation(counter, server.url, await enrollmentCode(server.url, token, 'MAIN01'));
    appendHold(counter, 'HOLD_PLACED', 'H-A11Y-1', { ndc: '00406-0552-01', lot: 'L77' });
    await syncOnce(counter);

    await page.goto(`${server.url}/console`);
    await expect(page.getByRole('heading', { name: 'RxLedger central console' })).toBeVisible();
    await expectNoSeriousViolations(page, info, 'console sign-in');
    await shot(page, info, 'console-1-sign-in');
    await page.getByLabel('User ID').fill('cofficer');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByTestId('console-signin-submit').click();
    await expect(page.getByTestId('console-signin-error')).toBeVisible();
    await expectNoSeriousViolations(page, info, 'console sign-in refused');

    await page.getByLabel('Password').fill('compliance-pw-0001');
    await page.getByTestId('console-signin-submit').click();
    await expect(page.getByTestId(`console-device-${ws.deviceId}`)).toHaveAttribute('data-flagged', 'true');
    await expectNoSeriousViolations(page, info, 'console devices');
    await shot(page, info, 'console-2-devices');
    await page.getByTestId(`console-clear-${ws.deviceId}`).click();
    await expect(page.getByTestId('console-clear-form')).toBeVisible();
    await expectNoSeriousViolations(page, info, 'console clear form');
    await page.getByLabel('Reason (what the investigation found)').fill('Restored from an old backup.');
    await page.getByLabel('Password of Dana Compliance').fill('wrong-password-here');
    await page.getByTestId('console-clear-sign').click();
    await expect(page.getByTestId('console-clear-error')).toBeVisible();
    await expectNoSeriousViolations(page, info, 'console clear refused');
    await shot(page, info, 'console-3-clear-refused');

    await page.getByTestId('console-nav-stock').click();
    await expect(page.getByTestId('console-stock')).toBeVisible();
    await expectNoSeriousViolations(page, info, 'console stock');
    await shot(page, info, 'console-4-stock');
    await page.getByTestId('console-nav-holds').click();
    await expect(page.getByTestId('console-holds')).toBeVisible();
    await expectNoSeriousViolations(page, info, 'console holds');
    await shot(page, info, 'console-5-holds');
  } finally {
    await server.stop();
    await cleanupAll();
  }
});

test('the accessibility check finds what it looks for (it must be able to fail)', async ({ page }, info) => {
  // Laid out like the workstation: a bar, then a scroll area that takes the rest of the window.
  await page.setContent(`<!doctype html><html style="height:100%"><body style="margin:0; height:100%; display:flex; flex-direction:column; background:#fff">
    <header><span aria-label="never read">Brand</span></header>
    <main tabindex="0" style="flex:1; min-height:0; overflow:auto"><h1>Self-test</h1>
    <input data-testid="bare">
    <button data-testid="empty"></button>
    <input aria-label="x" aria-describedby="nowhere">
    <p data-testid="near" style="color:#aaa">faint text</p>
    <p style="color:#111">fine text</p>
    <div style="height:3000px"></div>
    <p data-testid="far" style="color:#bbb">faint text scrolled out of sight</p>
    </main>
  </body></html>`);
  const found = await screenFailures(page, info, 'self-test');
  expect(found.map((v) => v.rule).sort()).toEqual(['aria-prohibited-attr', 'aria-valid-attr-value', 'button-name', 'color-contrast', 'color-contrast', 'document-title', 'html-has-lang', 'label']);
  // The faint text below the scroll area's edge is found too, by the full-length contrast pass.
  expect(found.filter((v) => v.rule === 'color-contrast').flatMap((v) => v.nodes.map((n) => n.target))).toEqual(['p[data-testid="near"]', 'p[data-testid="far"]']);
  // The window is back to the counter's size afterwards.
  expect(page.viewportSize()).toEqual({ width: 1366, height: 768 });
});
