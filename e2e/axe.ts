import { writeFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';

/**
 * The accessibility check of every screen (issue 15 point 7): axe-core, through
 * @axe-core/playwright, with the WCAG 2.0 and 2.1 level A and AA rules. A `serious` or
 * `critical` violation fails the test; every run's full axe results (violations of any impact,
 * incomplete, passes) are kept with the test as JSON, so moderate and minor ones can be read.
 * No rule is turned off.
 */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] as const;

/** axe-core's own types, as @axe-core/playwright gives them (axe-core comes with it). */
type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>;
type Result = AxeResults['violations'][number];

const FAILING: readonly string[] = ['serious', 'critical'];

export interface Finding {
  rule: string;
  impact: string;
  /** The CSS selector axe gives for each element, with its reason. */
  nodes: { target: string; why: string }[];
}

/** Runs axe on the page as it is now; its results are written to `axe-<label>.json` and attached. */
export async function axe(page: Page, info: TestInfo, label: string, rules?: string[]): Promise<AxeResults> {
  const builder = new AxeBuilder({ page });
  const results = await (rules ? builder.withRules(rules) : builder.withTags([...WCAG_TAGS])).analyze();
  const file = info.outputPath(`axe-${label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.json`);
  writeFileSync(file, JSON.stringify(results, null, 1));
  await info.attach(`axe ${label}`, { path: file, contentType: 'application/json' });
  return results;
}

export function findings(violations: Result[], impacts: readonly string[] = FAILING): Finding[] {
  return violations
    .filter((v) => impacts.includes(v.impact ?? ''))
    .map((v) => ({
      rule: v.id,
      impact: v.impact ?? '',
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), why: n.failureSummary ?? '' })),
    }));
}

/**
 * What axe leaves "incomplete" (needs review) but is a fault on these screens: an aria
 * reference (aria-describedby, aria-labelledby, aria-controls…) to an id not in the page. axe
 * cannot know the element will not appear later; here a problem tied to its field by an id
 * that is not there is never read out, so it counts as the violation axe would call it. The
 * same for an aria-label on an element whose role takes none (a plain span or div): axe leaves
 * it for review when the element has text of its own, but the name we meant is not read.
 */
const INCOMPLETE_FAILING: readonly string[] = ['aria-valid-attr-value', 'aria-prohibited-attr'];

/** The serious and critical violations, with the incomplete results counted as such above. */
export function failures(results: AxeResults): Finding[] {
  return [...findings(results.violations), ...findings(results.incomplete.filter((r) => INCOMPLETE_FAILING.includes(r.id)))];
}

/**
 * axe judges contrast only for text it can see in the window: what is scrolled out of the
 * screen's scroll area (most of Settings, the end of Reports at 768 px) comes back "incomplete"
 * (partially obscured). When it does, the window is made as tall as the screen's content, the
 * contrast rule run again over everything, and the window put back to 1366 × 768.
 */
async function fullLengthContrast(page: Page, info: TestInfo, label: string, first: AxeResults): Promise<Finding[]> {
  if (!first.incomplete.some((r) => r.id === 'color-contrast')) return [];
  const size = page.viewportSize();
  if (!size) return [];
  const extra = await page.evaluate(() => {
    let most = document.documentElement.scrollHeight - window.innerHeight;
    for (const el of document.querySelectorAll<HTMLElement>('*')) {
      const y = getComputedStyle(el).overflowY;
      if ((y === 'auto' || y === 'scroll') && el.scrollHeight > el.clientHeight) most = Math.max(most, el.scrollHeight - el.clientHeight);
    }
    return Math.max(0, Math.ceil(most));
  });
  if (!extra) return [];
  await page.setViewportSize({ width: size.width, height: Math.min(size.height + extra, 16_000) });
  try {
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    // Only what the first run could not judge: what it did judge is in its own findings.
    const unjudged = new Set(first.incomplete.filter((r) => r.id === 'color-contrast').flatMap((r) => r.nodes.map((n) => n.target.join(' '))));
    return failures(await axe(page, info, `${label} full length`, ['color-contrast']))
      .map((f) => ({ ...f, nodes: f.nodes.filter((n) => unjudged.has(n.target)) }))
      .filter((f) => f.nodes.length > 0);
  } finally {
    await page.setViewportSize(size);
  }
}

/** What fails a screen: axe's run at the window's size, then contrast over its full length. */
export async function screenFailures(page: Page, info: TestInfo, label: string): Promise<Finding[]> {
  const results = await axe(page, info, label);
  return [...failures(results), ...(await fullLengthContrast(page, info, label, results))];
}

/**
 * Fails on serious and critical violations, naming them with where and why. A soft check: the
 * test goes on to the next screen, so one run lists the problems of every screen.
 */
export async function expectNoSeriousViolations(page: Page, info: TestInfo, label: string): Promise<void> {
  const found = await screenFailures(page, info, label);
  expect.soft(found, `${label}: ${JSON.stringify(found, null, 1)}`).toEqual([]);
}
