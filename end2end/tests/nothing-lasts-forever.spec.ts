import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { cell, createUser, normalise, partnerKey, signIn, waitForHydration } from './support';

// Consent that ends: rights never used are pointed out with one click to take them back, access
// unused expires (the dashboard warns), "Allow again" asks how long, partners ask through the
// Requests page (with JavaScript too), and support may refuse a request for a person.

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const SUPPORT = { email: 'support@example.com', password: 'support-demo-2018' };

async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`)).toEqual([]);
}

async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, 'no sideways scrolling').toBeLessThanOrEqual(page.viewportSize()!.width);
}

async function partnerAsks(request: APIRequestContext, partner: string, handle: string, details: [string, string[]][]) {
  const response = await request.post('/api/v1/consent-requests', {
    headers: { Authorization: `Bearer ${partnerKey(partner)}`, 'Content-Type': 'application/json' },
    data: JSON.stringify({
      user: handle,
      authorization_details: details.map(([type, actions]) => ({ type, actions })),
      purpose: 'to test consent that ends',
      duration_days: 90,
    }),
  });
  expect(response.status()).toBe(201);
  return (await response.json()).id as string;
}

/// "6 Mar 2027", as the app writes dates.
function humanDate(ms: number): string {
  const date = new Date(ms);
  const month = date.toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' });
  return `${date.getUTCDate()} ${month} ${date.getUTCFullYear()}`;
}

test('a right never used is pointed out and taken back in one click, then allowed again for 30 days', async ({ page }) => {
  const user = createUser('Never Used');
  await signIn(page, user);
  await waitForHydration(page);
  const spotify = await cell(page, 'Spotify', 'Messages');
  await expect(spotify).toContainText('Spotify has never deleted your messages. Take that right back?');
  await expect(await cell(page, 'Netflix', 'Messages')).toContainText(/Expires on \d+ \w+ \d{4} unless Netflix uses it/);
  await expectNoAxeViolations(page);

  // The words after the visible label are for screen readers; the name joins them with a space.
  await spotify.getByRole('button', { name: /^Take it back\s*: the delete access of Spotify to your messages$/ }).click();
  await expect(page.getByRole('status')).toContainText('Revoked: Spotify can no longer delete your messages.');
  await expect(spotify).toContainText('Spotify can read and write your messages');
  await expect(spotify).not.toContainText('never deleted');

  // "Allow again" asks how long: 90 days first, 30 chosen.
  const term = spotify.getByLabel('For how long for Spotify on your messages');
  await expect(term).toHaveValue('90');
  await term.selectOption('30');
  await spotify.getByRole('button', { name: 'Allow delete again for Spotify on your messages' }).click();
  await expect(page.getByRole('status')).toContainText('Allowed again: Spotify can delete your messages.');
  await expect(spotify).toContainText(`delete until ${humanDate(Date.now() + 30 * 86_400_000)}`);
  await expectNoAxeViolations(page);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('"Allow again" asks how long as a plain form', async ({ page }) => {
    const user = createUser('Allow For A Year');
    await signIn(page, user);
    const netflix = await cell(page, 'Netflix', 'Messages');
    await netflix.getByRole('button', { name: 'Revoke read access of Netflix to your messages' }).click();
    await expect(netflix).toContainText('Netflix can no longer reach your messages');
    await netflix.getByLabel('For how long for Netflix on your messages').selectOption('365');
    await netflix.getByRole('button', { name: 'Allow read again for Netflix on your messages' }).click();
    await expect(netflix).toContainText(`read until ${humanDate(Date.now() + 365 * 86_400_000)}`);
  });
});

test('approving part of a request with JavaScript grants only what is ticked, for the term chosen', async ({ page, request }) => {
  const user = createUser('Requests With Script');
  const id = await partnerAsks(request, 'spotify', user.handle, [['messages', ['read']], ['contacts', ['read', 'write']]]);
  await signIn(page, user);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: '1 request' }).click();
  await waitForHydration(page);
  const section = page.locator(`section[id="${id}"]`);
  await expect(section).toContainText('Spotify can already read your messages.');
  await section.getByRole('checkbox', { name: 'Write your contacts' }).uncheck();
  await section.getByLabel('For how long').selectOption('30');
  await section.getByRole('button', { name: 'Approve the request from Spotify' }).click();
  await expect(page.getByRole('status')).toContainText('Approved: Spotify can read your messages and read your contacts until');
  await expect(page.getByText('No partner is asking for anything.')).toBeVisible();

  await page.goto('/');
  const contacts = await cell(page, 'Spotify', 'Contacts');
  await expect(contacts).toContainText('Spotify can read your contacts');
  await expect(contacts).not.toContainText('write');
  await expect(contacts).toContainText(`read until ${humanDate(Date.now() + 30 * 86_400_000)}`);
});

test('support sees a pending request and refuses it for the person, with a reason they read', async ({ page, request }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  const caller = createUser('Asked Caller');
  await partnerAsks(request, 'yahoo', caller.handle, [['calendar', ['read']]]);
  await signIn(page, SUPPORT);
  await page.goto(`/support?q=${encodeURIComponent(caller.email)}`);
  await page.getByRole('link', { name: `Open case of ${caller.name}` }).first().click();
  await page.getByRole('button', { name: `Open ${caller.name}'s permissions` }).click();
  const requests = page.getByRole('region', { name: 'Requests waiting for an answer' });
  await expect(requests).toContainText('Yahoo asks to read your calendar, to test consent that ends, for 90 days.');
  await expect(requests.getByRole('button', { name: /approve/i })).toHaveCount(0);
  await expectNoAxeViolations(page);
  await expectNoSidewaysScroll(page);

  await requests.getByLabel(`Reason for refusing (${caller.name} will read it)`).fill('Caller never asked for this');
  await requests.getByRole('button', { name: new RegExp(`^Refuse for ${caller.name}\\s*: the request from Yahoo$`) }).click();
  await expect(page.getByRole('status')).toHaveText(
    `Refused Yahoo's request for ${caller.name}. ${caller.name} will see it in their history, with your reason.`,
  );
  await expect(requests).toContainText(`No request waits for ${caller.name}'s answer.`);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, caller);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /request/ })).toHaveCount(0);
  await page.goto('/history');
  const history = normalise(await page.getByRole('table').innerText());
  expect(history).toContain('Caller never asked for this');
});
