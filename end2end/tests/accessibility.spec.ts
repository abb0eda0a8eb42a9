import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page, type TestInfo, type Locator } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { expectVisibleFocus, isFocused, tabTo } from './keyboard';
import { cell, createUser, dashboardHeading, grantsTable, PASSWORD, signIn, waitForHydration } from './support';

// "Usable by everyone": axe (WCAG 2.0/2.1 A and AA) finds nothing on any page, the dashboard
// works with the keyboard alone and shows where the focus is, and it fits a 375 px phone.

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const REVOKE_ALL_SPOTIFY = 'Revoke all access of Spotify to your messages';
// The e2e server gives partners no event endpoint: the notice says Spotify learns at its next check.
const SPOTIFY_REVOKED =
  'Revoked: Spotify can no longer read, write or delete your messages. Spotify has no endpoint: it is refused from its next check.';

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>;
type Violation = AxeResults['violations'][number];

/// One readable paragraph per violation: rule, impact, what to do, and every element concerned
/// with its selector, its HTML and axe's own explanation (contrast ratios, missing names, ...).
function describeViolations(violations: Violation[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => {
          const summary = (n.failureSummary ?? '').replace(/\n/g, '\n        ');
          return `    target: ${n.target.join(' ')}\n      html: ${n.html}\n      ${summary}`;
        })
        .join('\n');
      return `[${v.id}] impact=${v.impact ?? 'n/a'}: ${v.help}\n  ${v.helpUrl}\n${nodes}`;
    })
    .join('\n\n');
}

async function expectNoAxeViolations(page: Page, testInfo: TestInfo, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  await testInfo.attach(`axe-${label}.json`, {
    body: JSON.stringify(results.violations, null, 2),
    contentType: 'application/json',
  });
  const ids = results.violations.map((v) => v.id);
  expect(
    ids,
    `axe (${WCAG_TAGS.join(', ')}) found ${ids.length} violation(s) on ${label}:\n\n${describeViolations(results.violations)}\n`,
  ).toEqual([]);
}

/// Revokes Spotify's whole messages cell and everything Amazon holds, in place, so that the
/// status message shows and several cells read "... can no longer reach ...".
async function revokeSome(page: Page): Promise<void> {
  await waitForHydration(page);
  const spotify = await cell(page, 'Spotify', 'Messages');
  await spotify.getByRole('button', { name: REVOKE_ALL_SPOTIFY, exact: true }).click();
  await expect(page.getByRole('status')).toHaveText(SPOTIFY_REVOKED);
  await expect(spotify).toContainText('Spotify can no longer reach your messages');

  await grantsTable(page).getByRole('button', { name: 'Remove Amazon', exact: true }).click();
  await expect(page.getByRole('status')).toContainText('Amazon');
  await expect(await cell(page, 'Amazon', 'Contacts')).toContainText('Amazon can no longer reach your contacts');
  await expect(await cell(page, 'Amazon', 'Friends')).toContainText('Amazon can no longer reach your friends');
}

async function useDarkScheme(page: Page): Promise<void> {
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(true);
}

test.describe('axe finds no WCAG 2.1 A/AA violation', () => {
  test('on the sign-in page', async ({ page }, testInfo) => {
    await page.goto('/sign-in');
    await expect(page.getByRole('heading', { name: 'Sign in to Who Can See', level: 1 })).toBeVisible();
    await expectNoAxeViolations(page, testInfo, 'sign-in');
  });

  test('on the sign-in page showing its error', async ({ page }, testInfo) => {
    await page.goto('/sign-in?error=invalid');
    await expect(page.getByRole('alert')).toHaveText('That email and password do not match an account.');
    await expectNoAxeViolations(page, testInfo, 'sign-in-error');
  });

  test('on the dashboard of a fresh user', async ({ page }, testInfo) => {
    await signIn(page, createUser('Axe Fresh'));
    await waitForHydration(page);
    await expect(grantsTable(page)).toBeVisible();
    await expectNoAxeViolations(page, testInfo, 'dashboard');
  });

  test('on the dashboard after a revocation', async ({ page }, testInfo) => {
    await signIn(page, createUser('Axe Revoked'));
    await revokeSome(page);
    await expectNoAxeViolations(page, testInfo, 'dashboard-revoked');
  });

  test('on the dashboard at 375 px wide', async ({ page }, testInfo) => {
    await page.setViewportSize({ width: 375, height: 812 });
    await signIn(page, createUser('Axe Phone'));
    await waitForHydration(page);
    await expectNoAxeViolations(page, testInfo, 'dashboard-375');
  });

  test('on the dashboard in dark mode', async ({ page }, testInfo) => {
    await useDarkScheme(page);
    await signIn(page, createUser('Axe Dark'));
    await waitForHydration(page);
    await expectNoAxeViolations(page, testInfo, 'dashboard-dark');
  });

  test('on the dashboard after a revocation, in dark mode', async ({ page }, testInfo) => {
    await useDarkScheme(page);
    await signIn(page, createUser('Axe Dark Revoked'));
    await revokeSome(page);
    await expectNoAxeViolations(page, testInfo, 'dashboard-revoked-dark');
  });

  test('on the History page, with a withdrawal to allow again, light and dark', async ({ page }, testInfo) => {
    await signIn(page, createUser('Axe History'));
    await revokeSome(page);
    await page.goto('/history');
    await expect(page.getByRole('heading', { name: 'History of your permissions', level: 1 })).toBeVisible();
    await expectNoAxeViolations(page, testInfo, 'history');
    await useDarkScheme(page);
    await expectNoAxeViolations(page, testInfo, 'history-dark');
  });

  test('on the History page showing a bad filter', async ({ page }, testInfo) => {
    await signIn(page, createUser('Axe History Error'));
    await page.goto('/history?partner=myspace');
    await expect(page.getByRole('alert')).toBeVisible();
    await expectNoAxeViolations(page, testInfo, 'history-error');
  });

  test('on the empty states of a person nobody can reach', async ({ page }, testInfo) => {
    await signIn(page, createUser('Axe Empty', { grants: false }));
    await expect(page.getByText('No partner can reach your data.')).toBeVisible();
    await expect(
      page.getByText('Nothing to take back: no partner has been given access to any of your data.'),
    ).toBeVisible();
    await expect(page.getByRole('table')).toHaveCount(0);
    await expectNoAxeViolations(page, testInfo, 'dashboard-empty');
    await page.goto('/history');
    await expect(
      page.getByText('Nothing has happened yet: no partner has ever been given access to your data.'),
    ).toBeVisible();
    await expectNoAxeViolations(page, testInfo, 'history-empty');
    await page.goto('/history?partner=spotify');
    await expect(page.getByText(/^No consent events match these filters\./)).toBeVisible();
  });

  test('on the not-found page', async ({ page }, testInfo) => {
    const response = await page.goto('/no-such-page');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found', level: 1 })).toBeVisible();
    await expectNoAxeViolations(page, testInfo, 'not-found');
  });
});

test('with the keyboard alone: sign in, revoke Spotify messages, hear the status', async ({ page }) => {
  const user = createUser('Keyboard Only');
  await page.goto('/sign-in');
  await page.waitForLoadState('networkidle'); // a plain HTML form: nothing to hydrate

  const email = page.getByLabel('Email');
  const password = page.getByLabel('Password');
  const signInButton = page.getByRole('button', { name: 'Sign in' });

  await tabTo(page, email, 'the Email field');
  await expectVisibleFocus(email, 'Email field');
  await page.keyboard.type(user.email);
  await tabTo(page, password, 'the Password field');
  await expectVisibleFocus(password, 'Password field');
  await page.keyboard.type(PASSWORD);
  await tabTo(page, signInButton, 'the Sign in button');
  await expectVisibleFocus(signInButton, 'Sign in button');
  // Shift+Tab goes back, Tab forth again.
  await page.keyboard.press('Shift+Tab');
  expect(await isFocused(password), 'Shift+Tab from "Sign in" returns to Password').toBe(true);
  await page.keyboard.press('Tab');
  expect(await isFocused(signInButton), 'Tab from Password reaches "Sign in"').toBe(true);
  await page.keyboard.press('Enter');

  await expect(dashboardHeading(page)).toBeVisible();
  await waitForHydration(page);

  const revokeAll = grantsTable(page).getByRole('button', { name: REVOKE_ALL_SPOTIFY, exact: true });
  await expect(revokeAll).toHaveCount(1);
  await tabTo(page, revokeAll, `the button "${REVOKE_ALL_SPOTIFY}"`);
  await expectVisibleFocus(revokeAll, `"${REVOKE_ALL_SPOTIFY}" button`);
  await page.keyboard.press('Enter');

  await expect(page.getByRole('status')).toHaveText(SPOTIFY_REVOKED);
  await expect(await cell(page, 'Spotify', 'Messages')).toContainText('Spotify can no longer reach your messages');
});

test('the dashboard at 375 px wide scrolls only vertically', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  await signIn(page, createUser('Narrow Screen'));
  await waitForHydration(page);
  await expect(grantsTable(page)).toBeVisible();
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(widths.scroll, `document scrollWidth at 375 px (clientWidth ${widths.client})`).toBeLessThanOrEqual(375);
});

test('screenshots of the dashboard at 375 and 1280 px, light and dark (artifacts)', async ({ page }, testInfo) => {
  test.setTimeout(60_000);
  const dir = path.join(testInfo.project.outputDir, 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  await signIn(page, createUser('Screenshot'));
  await waitForHydration(page);
  for (const width of [375, 1280]) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await expect(dashboardHeading(page)).toBeVisible();
      const file = path.join(dir, `dashboard-${width}-${scheme}.png`);
      const body = await page.screenshot({ path: file, fullPage: true });
      await testInfo.attach(`dashboard-${width}-${scheme}`, { body, contentType: 'image/png' });
    }
  }
});
