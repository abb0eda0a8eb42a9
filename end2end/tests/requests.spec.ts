import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { createUser, normalise, partnerKey, signIn } from './support';

/// A partner asks `handle` for `details` (category, actions) through the partner API.
async function partnerAsks(
  request: APIRequestContext,
  partner: string,
  handle: string,
  details: [string, string[]][],
  durationDays: number | null,
): Promise<string> {
  const response = await request.post('/api/v1/consent-requests', {
    headers: { Authorization: `Bearer ${partnerKey(partner)}`, 'Content-Type': 'application/json' },
    data: JSON.stringify({
      user: handle,
      authorization_details: details.map(([type, actions]) => ({ type, actions })),
      purpose: 'to test the Requests page',
      duration_days: durationDays,
    }),
  });
  expect(response.status()).toBe(201);
  return (await response.json()).id;
}

function requestsLink(page: Page) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^\d+ requests?$/ });
}

test.describe('answering requests without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('approving part of a request grants only what is ticked, and the header count goes', async ({ page, request }) => {
    const user = createUser('Requests Approver');
    const id = await partnerAsks(request, 'yahoo', user.handle, [['posts', ['read', 'write']]], 90);
    await signIn(page, user);
    await expect(requestsLink(page)).toHaveText('1 request');
    await requestsLink(page).click();
    await expect(page).toHaveURL(/\/requests$/);

    const section = page.locator(`section[id="${id}"]`);
    await expect(section).toContainText(
      'Yahoo asks to read and write your posts, to test the Requests page, for 90 days.',
    );
    await expect(section.getByRole('checkbox', { name: 'Read your posts' })).toBeChecked();
    await section.getByRole('checkbox', { name: 'Write your posts' }).uncheck();
    await section.getByLabel('For how long').selectOption('30');
    await section.getByRole('button', { name: 'Approve the request from Yahoo' }).click();

    await expect(page.getByRole('status')).toContainText('Approved: Yahoo can read your posts until');
    await expect(page.getByText('No partner is asking for anything.')).toBeVisible();
    await expect(requestsLink(page)).toHaveCount(0);
  });

  test('refusing a request says so and leaves nothing pending', async ({ page, request }) => {
    const user = createUser('Requests Refuser');
    await partnerAsks(request, 'apple', user.handle, [['calendar', ['read']]], null);
    await signIn(page, user);
    await page.goto('/requests');
    await page.getByRole('button', { name: 'Refuse the request from Apple' }).click();
    const notice = page.getByRole('status');
    await expect(notice).toBeVisible();
    expect(normalise(await notice.innerText())).toBe('Refused: Apple may not read your calendar.');
    await expect(requestsLink(page)).toHaveCount(0);
  });
});

test('the Requests page has no axe violations, with a request for more and when empty, on a phone', async ({ page, request }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  const user = createUser('Requests Axe');
  // Netflix already reads the messages of every demo user; it asks to delete them too.
  await partnerAsks(request, 'netflix', user.handle, [['messages', ['read', 'delete']]], 365);
  await signIn(page, user);
  await page.goto('/requests');
  await expect(page.getByText('Netflix can already read your messages. It also asks to delete them.')).toBeVisible();
  const axe = () => new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect((await axe()).violations.map((v) => v.id)).toEqual([]);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, 'no sideways scrolling at 375 px').toBeLessThanOrEqual(375);
  await page.getByRole('button', { name: 'Refuse the request from Netflix' }).click();
  await expect(page.getByText('No partner is asking for anything.')).toBeVisible();
  expect((await axe()).violations.map((v) => v.id)).toEqual([]);
});
