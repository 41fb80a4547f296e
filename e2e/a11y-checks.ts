import type { Page } from '@playwright/test';

/**
 * axe-core is not installed in this project (no new dependency without the team), so this is
 * a small in-page check of the axe rules whose failures are "serious" or "critical" on screens
 * like ours: form fields and buttons without an accessible name, aria references to missing
 * ids, duplicate ids, images without alt, a page without lang, and text below WCAG AA
 * contrast. It is a stand-in, not axe: replace it with @axe-core/playwright when that is added.
 */
export interface Violation {
  rule: string;
  where: string;
  detail: string;
}

export async function accessibilityViolations(page: Page): Promise<Violation[]> {
  return page.evaluate(() => {
    const out: { rule: string; where: string; detail: string }[] = [];
    const where = (el: Element) => {
      const tid = el.getAttribute('data-testid');
      return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${tid ? `[data-testid=${tid}]` : ''}`;
    };
    const visible = (el: Element) => {
      const r = (el as HTMLElement).getBoundingClientRect();
      const cs = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none';
    };
    const textOf = (id: string) => document.getElementById(id)?.textContent?.trim() ?? '';
    const name = (el: Element): string => {
      const labelledby = el.getAttribute('aria-labelledby');
      if (labelledby) return labelledby.split(/\s+/).map(textOf).join(' ').trim();
      const aria = el.getAttribute('aria-label');
      if (aria?.trim()) return aria.trim();
      if ((el as HTMLInputElement).labels?.length) return [...(el as HTMLInputElement).labels!].map((l) => l.textContent ?? '').join(' ').trim();
      const title = el.getAttribute('title');
      if (title?.trim()) return title.trim();
      if (el.tagName === 'BUTTON' || el.tagName === 'A' || el.tagName === 'SUMMARY') return (el.textContent ?? '').trim();
      if (el.tagName === 'INPUT' && ['submit', 'button'].includes((el as HTMLInputElement).type)) return (el as HTMLInputElement).value;
      return '';
    };

    if (!document.documentElement.lang) out.push({ rule: 'html-has-lang', where: 'html', detail: 'no lang' });

    for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
      if (visible(el) && !name(el)) out.push({ rule: 'label', where: where(el), detail: 'form field without a name' });
    }
    for (const el of document.querySelectorAll('button, a[href], summary, [role=button], [role=tab], [role=link]')) {
      if (visible(el) && !name(el)) out.push({ rule: 'button-name', where: where(el), detail: 'control without a name' });
    }
    for (const el of document.querySelectorAll('img')) {
      if (!el.hasAttribute('alt')) out.push({ rule: 'image-alt', where: where(el), detail: 'img without alt' });
    }
    for (const attr of ['aria-describedby', 'aria-labelledby', 'aria-controls']) {
      for (const el of document.querySelectorAll(`[${attr}]`)) {
        for (const id of el.getAttribute(attr)!.split(/\s+/).filter(Boolean)) {
          if (!document.getElementById(id)) out.push({ rule: 'aria-valid-attr-value', where: where(el), detail: `${attr} names missing id ${id}` });
        }
      }
    }
    const seen = new Map<string, number>();
    for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
    for (const [id, n] of seen) if (n > 1) out.push({ rule: 'duplicate-id-aria', where: `#${id}`, detail: `${n} elements share this id` });
    for (const el of document.querySelectorAll('[aria-hidden=true]')) {
      if (el.querySelector('button, a[href], input, select, textarea, [tabindex]:not([tabindex="-1"])')) out.push({ rule: 'aria-hidden-focus', where: where(el), detail: 'focusable content inside aria-hidden' });
    }

    // Contrast (WCAG 1.4.3): each visible element that holds text directly, against the first
    // opaque background up its ancestors (white page otherwise).
    const rgba = (c: string): [number, number, number, number] => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return [0, 0, 0, 1];
      const p = m[1]!.split(/[,\s/]+/).filter(Boolean).map(Number);
      return [p[0]!, p[1]!, p[2]!, p[3] ?? 1];
    };
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c[3] >= 0.99) return c;
      }
      return [255, 255, 255, 1];
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const checked = new Set<Element>();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || checked.has(el) || !n.textContent?.trim() || !visible(el)) continue;
      checked.add(el);
      const cs = getComputedStyle(el);
      if ((el as HTMLInputElement).disabled || el.closest('[disabled], [aria-disabled=true]')) continue; // WCAG exempts inactive controls
      const fg = rgba(cs.color);
      const bg = background(el);
      // A translucent text colour is blended over its background, as the eye sees it.
      const seen = fg.slice(0, 3).map((v, i) => v * fg[3] + bg[i]! * (1 - fg[3]));
      const [hi, lo] = [lum(seen), lum(bg)].sort((a, b) => b - a) as [number, number];
      const ratio = (hi + 0.05) / (lo + 0.05);
      const size = parseFloat(cs.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) out.push({ rule: 'color-contrast', where: where(el), detail: `${ratio.toFixed(2)}:1 for "${n.textContent.trim().slice(0, 40)}"` });
    }
    return out;
  });
}
