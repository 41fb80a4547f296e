import { describe, expect, it } from 'vitest';
import { isSearchShortcut, screenShortcutIndex } from './keys';

const k = (over: Partial<Parameters<typeof screenShortcutIndex>[0]>) => ({ key: '', code: '', altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, ...over });

describe('keyboard shortcuts', () => {
  it('Alt+digit picks a screen', () => {
    expect(screenShortcutIndex(k({ altKey: true, code: 'Digit1', key: '¡' }))).toBe(0);
    expect(screenShortcutIndex(k({ altKey: true, code: 'Numpad9' }))).toBe(8);
    expect(screenShortcutIndex(k({ code: 'Digit1' }))).toBeNull();
    expect(screenShortcutIndex(k({ altKey: true, ctrlKey: true, code: 'Digit1' }))).toBeNull();
    expect(screenShortcutIndex(k({ altKey: true, code: 'Digit0' }))).toBeNull();
  });
  it('"/" jumps to search except while typing', () => {
    expect(isSearchShortcut(k({ key: '/' }), { tagName: 'DIV' })).toBe(true);
    expect(isSearchShortcut(k({ key: '/' }), { tagName: 'input' })).toBe(false);
    expect(isSearchShortcut(k({ key: '/' }), { tagName: 'DIV', isContentEditable: true })).toBe(false);
  });
});
