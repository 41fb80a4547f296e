import type { Page, TestInfo } from '@playwright/test';
import { accessibilityViolations } from './a11y-checks';
import { ADMIN_PASSWORD, drugRecord, expect, signIn, startStation, test } from './fixtures';

/**
 * The counter's screen: 1366 × 768. Every screen each role can open is checked for serious
 * accessibility problems (e2e/a11y-checks.ts; axe-core is not installed) and photographed;
 * the screenshots are kept with the run (testInfo.outputPath).
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

/**
 * Found by this check on screens being reworked on other branches at the time of writing
 * (issue 15's Receiving work): listed, not hidden, so they are fixed there and removed here.
 */
const KNOWN: readonly { rule: string; where: string }[] = [{ rule: 'label', where: 'input[data-testid=receiving-file]' }];

async function expectNoViolations(page: Page, label: string) {
  const found = (await accessibilityViolations(page)).filter((v) => !KNOWN.some((k) => k.rule === v.rule && k.where === v.where));
  expect(found, `${label}: ${JSON.stringify(found, null, 1)}`).toEqual([]);
}

test('every screen of every role at 1366 × 768: the whole nav visible, stable Alt+numbers, home screen, no serious accessibility problems', async ({ page }, info) => {
  test.setTimeout(240_000);
  const station = await startStation({
    seed: ({ addUser, ingest }) => {
      addUser('tina', 'technician', 'technician-pass-1');
      addUser('pat', 'pharmacist', 'pharmacist-pass-1');
      addUser('mona', 'manager', 'manager-pass-1');
      ingest([drugRecord()]);
    },
  });
  try {
    await page.goto(station.url);
    await expectNoViolations(page, 'sign-in');
    await shot(page, info, 'sign-in');
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
        // Lets the screen's first answers arrive before it is judged and photographed.
        await page.waitForTimeout(400);
        await expectNoViolations(page, `${u.role} ${id}`);
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
    await page.reload();
    await expect(page.getByTestId('nav-counts')).toHaveAttribute('aria-current', 'page');
  } finally {
    await station.stop();
  }
});

test('problems beside their field: sign-in that does not reveal user IDs, the idle logoff, a count not entered', async ({ page }, info) => {
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
    await expectNoViolations(page, 'sign-in refused');
    await shot(page, info, 'sign-in-wrong-password');
    await signIn(page, 'nobody-here', 'wrong-password');
    await expect(problem).toHaveText(known!);

    await signIn(page, 'admin', ADMIN_PASSWORD);
    await expect(page.getByTestId('nav-settings')).toHaveAttribute('aria-current', 'page');
    const idle = page.getByTestId('settings-idle');
    await idle.fill('abc');
    await page.getByTestId('settings-idle-save').click();
    await expect(page.getByTestId('settings-idle-problem')).toHaveText('Numbers only: "abc" is not a number of minutes.');
    await expect(idle).toHaveAttribute('aria-invalid', 'true');
    await expect(idle).toBeFocused();
    // Scrolled to once the problem is showing: the field, its problem and Save all in view.
    await expect(page.getByTestId('settings-idle-problem')).toBeInViewport({ ratio: 1 });
    await expect(page.getByTestId('settings-idle-save')).toBeInViewport({ ratio: 1 });
    await expectNoViolations(page, 'settings refused');
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
    await expectNoViolations(page, 'count refused');
    // The sheet, its problem showing, fits 1366 px: nothing hidden off the right edge.
    await expect(page.getByTestId('count-containers-toggle')).toBeInViewport({ ratio: 1 });
    expect(await page.locator('.app-body').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await shot(page, info, 'count-refused');
  } finally {
    await station.stop();
  }
});

test('the accessibility check finds what it looks for (it must be able to fail)', async ({ page }) => {
  await page.setContent(`<!doctype html><html><body style="background:#fff">
    <input data-testid="bare">
    <button data-testid="empty"></button>
    <p id="twice">a</p><p id="twice">b</p>
    <input aria-label="x" aria-describedby="nowhere">
    <p style="color:#aaa">faint text</p>
    <p style="color:#111">fine text</p>
  </body></html>`);
  const rules = (await accessibilityViolations(page)).map((v) => v.rule).sort();
  expect(rules).toEqual(['aria-valid-attr-value', 'button-name', 'color-contrast', 'duplicate-id-aria', 'html-has-lang', 'label']);
});
