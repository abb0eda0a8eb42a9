import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { cell, checkAccess, createUser, partnerKey, signIn, waitForHydration } from './support';

// "No evidence of abuse" because nobody was looking: the dashboard says how often each partner
// used its access, and the Activity page makes attempts after a withdrawal stand out.

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

test('the dashboard and the Activity page show what a partner did, and its attempts after a withdrawal', async ({
  page,
  request,
}) => {
  const user = createUser('Activity');
  const ask = { user: user.handle, category: 'messages', access: 'read' };
  for (let i = 0; i < 2; i++) {
    const answer = await checkAccess(request, partnerKey('spotify'), ask);
    expect(answer.json.decision).toBe('allow');
  }
  await signIn(page, user);
  // Counted uses are written once a second: reload until they show.
  await expect(async () => {
    await page.reload();
    await expect(await cell(page, 'Spotify', 'Messages')).toContainText('read 2 times this week, last just now');
  }).toPass({ timeout: 10_000 });
  await expect(await cell(page, 'Netflix', 'Messages')).toContainText('read: no use recorded');

  await waitForHydration(page);
  const spotify = await cell(page, 'Spotify', 'Messages');
  await spotify.getByRole('button', { name: 'Revoke read access of Spotify to your messages', exact: true }).click();
  await expect(page.getByRole('status')).toContainText('Revoked');
  for (let i = 0; i < 3; i++) {
    const answer = await checkAccess(request, partnerKey('spotify'), ask);
    expect(answer.json.reason).toBe('withdrawn');
  }

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity' }).click();
  await expect(page.getByRole('heading', { name: 'What partners did with your data', level: 1 })).toBeVisible();
  const alerts = page.getByRole('region', { name: 'Attempts after access ended' });
  await expect(alerts).toContainText(/Spotify tried to read your messages 3 times after you withdrew access on \d+ \w+ \d{4}\./);
  await expect(
    page.getByRole('img', { name: 'Spotify used your messages 2 times in the last 7 days, and was refused 3 times.' }),
  ).toBeVisible();

  await page.getByRole('link', { name: 'Last 30 days' }).click();
  await expect(page.getByRole('link', { name: 'Last 30 days' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('img', { name: /Spotify used your messages 2 times in the last 30 days/ })).toBeVisible();

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`)).toEqual([]);
  }
});

test('a person nobody asked about sees an empty Activity page that says so', async ({ page }) => {
  const user = createUser('Quiet', { grants: false });
  await signIn(page, user);
  await page.goto('/activity');
  await expect(page.getByText('No partner asked for your data in the last 7 days.')).toBeVisible();
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  expect(results.violations.map((v) => v.id)).toEqual([]);
});

test('a grant that ran out shows as expired, recorded by the system, and can be allowed again', async ({ page }) => {
  const user = createUser('Expired');
  await signIn(page, user);
  const yandex = await cell(page, 'Yandex', 'Friends');
  await expect(yandex).toContainText('read expired 31 Dec 2017');
  await page.goto('/history?partner=yandex&category=friends');
  const expiry = page.getByRole('row').filter({ hasText: 'Yandex\u2019s read access to your friends expired.' });
  const expiryAscii = page.getByRole('row').filter({ hasText: "Yandex's read access to your friends expired." });
  await expect(expiry.or(expiryAscii)).toContainText('The system');
  await page.goto('/');
  await waitForHydration(page);
  await (await cell(page, 'Yandex', 'Friends'))
    .getByRole('button', { name: 'Allow read again for Yandex on your friends', exact: true })
    .click();
  await expect(await cell(page, 'Yandex', 'Friends')).toContainText('Yandex can read your friends');
});
