import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { expectVisibleFocus, tabTo } from './keyboard';
import { checkAccess, createUser, partnerKey, signIn, type User } from './support';

// The pages besides the dashboard (which accessibility.spec.ts covers) on a 375 px phone: each
// scrolls only vertically, axe finds nothing there, and its controls work with the keyboard.

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const PHONE = { width: 375, height: 812 };
const AGENT = { email: 'support@example.com', password: 'support-demo-2018' };
const ADMIN = { email: 'admin@example.com', password: 'admin-demo-2018' };

async function expectFitsAPhone(page: Page, label: string): Promise<void> {
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(widths.scroll, `${label}: document scrollWidth at 375 px (clientWidth ${widths.client})`).toBeLessThanOrEqual(
    PHONE.width,
  );
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  expect(
    results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`),
    `axe on ${label} at 375 px`,
  ).toEqual([]);
}

function heading(page: Page, name: string): Locator {
  return page.getByRole('heading', { name, level: 1, exact: true });
}

test.use({ viewport: PHONE });

test('Activity and History fit a phone, and the time window changes with the keyboard', async ({ page, request }) => {
  const user: User = createUser('Phone Activity');
  for (let i = 0; i < 2; i++) {
    const answer = await checkAccess(request, partnerKey('spotify'), {
      user: user.handle,
      category: 'messages',
      access: 'read',
    });
    expect(answer.json.decision).toBe('allow');
  }
  await signIn(page, user);
  const chart = page.getByRole('img', { name: /^Spotify used your messages 2 times in the last 7 days/ });
  // Counted uses are written once a second: reload until they show.
  await expect(async () => {
    await page.goto('/activity');
    await expect(chart).toBeVisible();
  }).toPass({ timeout: 10_000 });
  await expect(heading(page, 'What partners did with your data')).toBeVisible();
  await expectFitsAPhone(page, 'Activity');

  const month = page.getByRole('link', { name: 'Last 30 days', exact: true });
  await tabTo(page, month, '"Last 30 days"');
  await expectVisibleFocus(month, '"Last 30 days"');
  await page.keyboard.press('Enter');
  await expect(month).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('img', { name: /^Spotify used your messages 2 times in the last 30 days/ })).toBeVisible();
  await expectFitsAPhone(page, 'Activity, 30 days');

  await page.goto('/history');
  await expect(heading(page, 'History of your permissions')).toBeVisible();
  await expectFitsAPhone(page, 'History');

  await page.goto('/sessions');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expectFitsAPhone(page, 'Sessions');
});

test('the support console and a case fit a phone, and a case opens with the keyboard', async ({ page }) => {
  const caller = createUser('Phone Caller');
  await signIn(page, AGENT);
  await page.goto('/support');
  await expect(heading(page, 'Support console')).toBeVisible();
  await expectFitsAPhone(page, 'Support console');

  const search = page.getByLabel('Email, name or number');
  await tabTo(page, search, 'the search field');
  await expectVisibleFocus(search, 'the search field');
  await page.keyboard.type(caller.email);
  await page.keyboard.press('Enter');
  const open = page.getByRole('link', { name: `Open case of ${caller.name}` });
  await expect(open).toHaveCount(1);
  await expectFitsAPhone(page, 'Support console with a result');

  await tabTo(page, open, `"Open case of ${caller.name}"`);
  await expectVisibleFocus(open, `"Open case of ${caller.name}"`);
  await page.keyboard.press('Enter');
  const openPermissions = page.getByRole('button', { name: `Open ${caller.name}'s permissions` });
  await expect(openPermissions).toBeVisible();
  await expectFitsAPhone(page, 'a closed case');

  await tabTo(page, openPermissions, `"Open ${caller.name}'s permissions"`);
  await expectVisibleFocus(openPermissions, `"Open ${caller.name}'s permissions"`);
  await page.keyboard.press('Enter');
  await expect(heading(page, `${caller.name}'s permissions`)).toBeVisible();
  // The page as it first shows, with its longest line: the notice of what the button did.
  await expect(page.getByRole('status')).toHaveText(
    `Opened ${caller.name}'s permissions. This look is recorded, and ${caller.name} will see it in their history.`,
  );
  await expectFitsAPhone(page, 'an opened case, with its notice');
});

test('the partner catalog fits a phone', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto('/admin/partners');
  await expect(heading(page, 'Partner catalog')).toBeVisible();
  await expectFitsAPhone(page, 'Partner catalog');
});
