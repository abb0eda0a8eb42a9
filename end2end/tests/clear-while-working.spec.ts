import { expect, test } from '@playwright/test';
import { cell, checkAccess, createUser, partnerKey, signIn, waitForHydration } from './support';

// "Clear while it works": the pressed button says it is working, a double click does nothing
// twice, focus lands on the announcement, and the announcement offers "Allow again".

test('after a revocation focus lands on the announcement, which offers Allow again', async ({ page, request }) => {
  const user = createUser('Undo Person');
  await signIn(page, user);
  await waitForHydration(page);
  const netflix = await cell(page, 'Netflix', 'Messages');

  await netflix.getByRole('button', { name: 'Revoke read access of Netflix to your messages', exact: true }).click();

  await expect(page.getByRole('status')).toHaveText('Revoked: Netflix can no longer read your messages. Netflix has no endpoint: it is refused from its next check.');
  // Focus is on the announcement (the pressed button is gone), not back at the top of the page.
  await expect(page.locator(':focus')).toContainText('Revoked: Netflix can no longer read your messages.');
  await expect(netflix).toContainText('Netflix can no longer reach your messages');

  const undo = page.getByRole('button', { name: 'Allow again what was just revoked', exact: true });
  await expect(undo).toBeVisible();
  await undo.click();

  await expect(page.getByRole('status')).toHaveText('Allowed again: Netflix can read your messages.');
  await expect(netflix).toContainText('Netflix can read your messages');
  await expect(undo).toHaveCount(0);
  const answer = await checkAccess(request, partnerKey('netflix'), { user: user.handle, category: 'messages', access: 'read' });
  expect(answer.json).toMatchObject({ decision: 'allow' });
});

test('a double click on a revoke button revokes once', async ({ page }) => {
  const user = createUser('Double Clicker');
  await signIn(page, user);
  await waitForHydration(page);
  const bing = await cell(page, 'Microsoft Bing', 'Friends');

  await bing.getByRole('button', { name: 'Revoke read access of Microsoft Bing to your friends', exact: true }).dblclick();

  await expect(page.getByRole('status')).toHaveText('Revoked: Microsoft Bing can no longer read your friends. Microsoft Bing has no endpoint: it is refused from its next check.');
  await page.goto('/history');
  // 14 demo grants, one expiry, plus exactly one withdrawal.
  await expect(page.getByRole('table')).toHaveAccessibleName(/\(16 in all\)/);
});

test('the pressed button says it is working until the answer comes', async ({ page }) => {
  const user = createUser('Patient Person');
  await signIn(page, user);
  await waitForHydration(page);
  // Hold the server's answer so the working state can be seen.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/revoke', async (route) => {
    await held;
    await route.continue();
  });
  const yahoo = await cell(page, 'Yahoo', 'Posts');
  const button = yahoo.getByRole('button', { name: /Revoke read access of Yahoo to your posts|Revoking/ });

  await button.click();

  await expect(yahoo.getByRole('button', { name: /^Revoking…/ })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Remove Spotify', exact: true })).toBeDisabled();
  release();
  await expect(page.getByRole('status')).toHaveText('Revoked: Yahoo can no longer read your posts. Yahoo has no endpoint: it is refused from its next check.');
  await expect(yahoo).toContainText('Yahoo can no longer reach your posts');
});
