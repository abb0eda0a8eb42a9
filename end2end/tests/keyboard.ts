import { expect, type Locator, type Page } from '@playwright/test';

// Moving through a page with the keyboard alone, as a person without a mouse does.

export async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => el === document.activeElement).catch(() => false);
}

/// Presses `key` (Tab or Shift+Tab) until `target` has the focus; fails after `limit` presses.
export async function tabTo(page: Page, target: Locator, what: string, key = 'Tab', limit = 120): Promise<number> {
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press(key);
    if (await isFocused(target)) return presses;
  }
  throw new Error(`${what} never got the focus after ${limit} presses of ${key}`);
}

/// The focused element shows an outline (the CSS draws a 3px :focus-visible outline).
export async function expectVisibleFocus(target: Locator, what: string): Promise<void> {
  const outline = await target.evaluate((el) => {
    const style = getComputedStyle(el);
    return { style: style.outlineStyle, width: style.outlineWidth, focusVisible: el.matches(':focus-visible') };
  });
  expect(outline.focusVisible, `${what} matches :focus-visible`).toBe(true);
  expect(outline.style, `outline-style of the focused ${what}`).not.toBe('none');
  expect(parseFloat(outline.width), `outline-width of the focused ${what}`).toBeGreaterThan(0);
}
