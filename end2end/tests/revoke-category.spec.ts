import { expect, test } from '@playwright/test';
import {
  cell,
  checkAccess,
  createUser,
  dashboardHeading,
  partnerKey,
  signIn,
  tableSnapshot,
  waitForHydration,
  withoutCategory,
} from './support';

test('"Nobody can read my messages" takes back exactly read on messages, from every partner', async ({
  page,
  request,
}) => {
  const user = createUser('Category Owner');
  await signIn(page, user);
  await expect(page.getByRole('heading', { name: 'Take back a whole category', level: 2 })).toBeVisible();

  const spotify = await cell(page, 'Spotify', 'Messages');
  const netflix = await cell(page, 'Netflix', 'Messages');
  const rbc = await cell(page, 'Royal Bank of Canada', 'Messages');
  await expect(spotify).toContainText('Spotify can read, write and delete your messages');
  await expect(netflix).toContainText('Netflix can read your messages');
  await expect(rbc).toContainText('Royal Bank of Canada can read your messages');
  const before = await tableSnapshot(page);
  expect(before.size, 'the table has data cells').toBeGreaterThan(0);

  await waitForHydration(page);
  await page.getByRole('button', { name: 'Nobody can read my messages', exact: true }).click();

  await expect(page.getByRole('status').filter({ hasText: 'Revoked:' })).toHaveText(/^\s*Revoked:/);
  await expect(netflix).toContainText('Netflix can no longer reach your messages');
  await expect(rbc).toContainText('Royal Bank of Canada can no longer reach your messages');
  await expect(spotify).toContainText('Spotify can write and delete your messages');
  await expect(spotify).not.toContainText('Spotify can read');
  await expect(spotify.getByRole('button', { name: 'Revoke read access of Spotify to your messages' })).toHaveCount(0);
  await expect(spotify.getByRole('button', { name: 'Revoke write access of Spotify to your messages' })).toHaveCount(1);
  await expect(spotify.getByRole('button', { name: 'Revoke delete access of Spotify to your messages' })).toHaveCount(1);

  const after = await tableSnapshot(page);
  expect(withoutCategory(after, 'Messages'), 'no other cell changed').toEqual(withoutCategory(before, 'Messages'));

  // After a reload too, and the category button for read on messages is gone.
  await page.reload();
  await expect(dashboardHeading(page)).toBeVisible();
  await expect(spotify).toContainText('Spotify can write and delete your messages');
  await expect(netflix).toContainText('Netflix can no longer reach your messages');
  await expect(rbc).toContainText('Royal Bank of Canada can no longer reach your messages');
  const reloaded = await tableSnapshot(page);
  expect(withoutCategory(reloaded, 'Messages'), 'no other cell changed').toEqual(withoutCategory(before, 'Messages'));
  await expect(page.getByRole('button', { name: 'Nobody can read my messages', exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Nobody can write my messages', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Nobody can read my friends', exact: true })).toBeVisible();

  const ask = async (partner: string, category: string, access: string) => {
    const answer = await checkAccess(request, partnerKey(partner), { user: user.handle, category, access });
    expect(answer.status, answer.text).toBe(200);
    return answer.json;
  };
  for (const partner of ['spotify', 'netflix', 'rbc']) {
    expect(await ask(partner, 'messages', 'read'), `${partner} read messages`).toMatchObject({
      decision: 'deny',
      reason: 'withdrawn',
    });
  }
  expect(await ask('spotify', 'messages', 'write')).toMatchObject({ decision: 'allow' });
  expect(await ask('spotify', 'messages', 'delete')).toMatchObject({ decision: 'allow' });
  expect(await ask('bing', 'friends', 'read')).toMatchObject({ decision: 'allow' });
  expect(await ask('apple', 'calendar', 'read')).toMatchObject({ decision: 'allow' });
});
