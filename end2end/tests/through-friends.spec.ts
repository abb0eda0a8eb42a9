import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { expectVisibleFocus, tabTo } from './keyboard';
import { createUser, signIn } from './support';

// Bob never agreed to anything, yet Bing sees his name because Alice lets Bing read her
// friends list. Here a person sees who sees them through which friend, and says no.

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const PLATFORM_KEY = 'demo-key-platform';

async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`)).toEqual([]);
}

async function befriend(request: APIRequestContext, person: string, friend: string): Promise<void> {
  const response = await request.post('/api/v1/platform/friendships', {
    headers: { Authorization: `Bearer ${PLATFORM_KEY}`, 'Content-Type': 'application/json' },
    data: JSON.stringify({ person, friend }),
  });
  expect(response.status()).toBe(201);
}

async function bingSees(request: APIRequestContext, person: string, friend: string): Promise<string> {
  const response = await request.post('/api/v1/check', {
    headers: { Authorization: 'Bearer demo-key-bing', 'Content-Type': 'application/json' },
    data: JSON.stringify({ user: person, category: 'profile', access: 'read', via: friend }),
  });
  expect(response.status()).toBe(200);
  const answer = await response.json();
  return answer.decision === 'allow' ? 'allow' : answer.reason;
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
    test.use({ javaScriptEnabled });

    test('a person sees who sees them through a friend, says no, and allows again', async ({ page, request }) => {
      const friend = createUser('Generous Friend');
      const person = createUser('Seen Person', { grants: false });
      await befriend(request, person.handle, friend.handle);
      expect(await bingSees(request, person.handle, friend.handle)).toBe('allow');

      await signIn(page, person);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Through your friends' }).click();
      await expect(page.getByRole('heading', { name: 'Through your friends', level: 1 })).toBeVisible();
      const bing = page.getByRole('listitem').filter({ hasText: 'Microsoft Bing can see your name through Generous Friend' });
      await expect(bing).toBeVisible();
      await bing.getByText('Through which friends, since when (1)').click();
      await expect(bing.getByText(/Generous Friend, friends since \d+ \w+ \d{4}/)).toBeVisible();
      // What Bing did through the friend: counts are written once a second.
      await expect(async () => {
        await page.reload();
        await expect(page.getByText('Microsoft Bing saw you through Generous Friend’s friends list once this week.')).toBeVisible({ timeout: 500 });
      }).toPass({ timeout: 10_000 });
      // axe runs as a script in the page: only where scripts run.
      if (javaScriptEnabled) await expectNoAxeViolations(page);

      await bing.getByRole('button', { name: "Don't let Microsoft Bing see me through my friends" }).click();
      await expect(page.getByRole('status')).toHaveText('Done: Microsoft Bing cannot see you through your friends any more.');
      expect(await bingSees(request, person.handle, friend.handle)).toBe('refused_by_person');
      await expect(page.getByText('You said no: Microsoft Bing cannot see you through your friends.')).toBeVisible();
      // Bing asked anyway: the refused attempt stands out, on this page and on Activity.
      await page.reload();
      const tried = /^Microsoft Bing tried to see your name through Generous Friend once after you said no on \d+ \w+ \d{4}\.$/;
      await expect(page.locator('.attempt-alert').filter({ hasText: tried })).toBeVisible();
      if (javaScriptEnabled) await expectNoAxeViolations(page);
      await page.goto('/activity');
      // Activity adds when the last attempt was: "… said no on 7 Dec 2026. Last attempt just now."
      const triedThen = new RegExp(tried.source.replace(/\$$/, ''));
      await expect(page.getByRole('region', { name: 'Attempts after access ended' }).getByText(triedThen)).toBeVisible();
      await page.goto('/through-friends');

      await page.getByRole('button', { name: 'Allow Microsoft Bing again' }).click();
      await expect(page.getByRole('status')).toHaveText('Allowed again: Microsoft Bing may see you through your friends.');
      expect(await bingSees(request, person.handle, friend.handle)).toBe('allow');

      await page.goto('/history');
      await expect(page.getByText('You said no to Microsoft Bing seeing you through your friends.', { exact: true })).toBeVisible();
      await expect(page.getByText('You let Microsoft Bing see you through your friends again.', { exact: true })).toBeVisible();
    });
  });
}

test('nobody sees me through my friends, on a phone, and the empty state', async ({ page, request }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  const friend = createUser('Phone Friend');
  const person = createUser('Phone Person', { grants: false });
  await signIn(page, person);
  await page.goto('/through-friends');
  await expect(page.getByText('No partner can see you through your friends.')).toBeVisible();
  await expectNoAxeViolations(page);

  await befriend(request, person.handle, friend.handle);
  await page.reload();
  await page.getByRole('button', { name: 'Nobody sees me through my friends' }).click();
  await expect(page.getByRole('status')).toHaveText('Done: nobody sees you through your friends any more.');
  expect(await bingSees(request, person.handle, friend.handle)).toBe('refused_by_person');
  await expect(page.getByText('You said no: nobody sees you through your friends.')).toBeVisible();
  await expectNoAxeViolations(page);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, 'no sideways scrolling at 375 px').toBeLessThanOrEqual(375);
});

test('a person says no and allows again with the keyboard alone', async ({ page, request }) => {
  const friend = createUser('Keyboard Friend');
  const person = createUser('Keyboard Person', { grants: false });
  await befriend(request, person.handle, friend.handle);
  await signIn(page, person);
  await page.goto('/through-friends');

  const bing = page.getByRole('listitem').filter({ hasText: 'Microsoft Bing can see your name through Keyboard Friend' });
  const opener = bing.getByText('Through which friends, since when (1)');
  await tabTo(page, opener, 'the list of friends');
  await expectVisibleFocus(opener, 'list of friends');
  await page.keyboard.press('Enter');
  await expect(bing.getByText(/Keyboard Friend, friends since/)).toBeVisible();

  const no = bing.getByRole('button', { name: "Don't let Microsoft Bing see me through my friends" });
  await tabTo(page, no, 'the no button');
  await expectVisibleFocus(no, 'no button');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toHaveText('Done: Microsoft Bing cannot see you through your friends any more.');
  expect(await bingSees(request, person.handle, friend.handle)).toBe('refused_by_person');

  const again = page.getByRole('button', { name: 'Allow Microsoft Bing again' });
  await tabTo(page, again, 'Allow again');
  await page.keyboard.press('Space');
  await expect(page.getByRole('status')).toHaveText('Allowed again: Microsoft Bing may see you through your friends.');
  expect(await bingSees(request, person.handle, friend.handle)).toBe('allow');
});
