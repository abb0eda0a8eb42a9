import { expect, test } from '@playwright/test';
import {
  cell,
  checkAccess,
  createUser,
  dashboardHeading,
  partnerKey,
  signIn,
  waitForHydration,
} from './support';

const REVOKE_ALL_SPOTIFY = 'Revoke all access of Spotify to your messages';

test('revoking a whole cell is announced in place, survives a reload and is enforced at once', async ({
  page,
  request,
}) => {
  const user = createUser('Cell Reviewer');
  await signIn(page, user);
  await expect(page.getByText('9 partners can reach your data: 3 can read your messages.')).toBeVisible();

  const spotify = await cell(page, 'Spotify', 'Messages');
  await expect(spotify).toContainText('Spotify can read, write and delete your messages');
  const before = await checkAccess(request, partnerKey('spotify'), {
    user: user.handle,
    category: 'messages',
    access: 'read',
  });
  expect(before.status, before.text).toBe(200);
  expect(before.json).toMatchObject({ decision: 'allow' });

  await waitForHydration(page);
  await page.evaluate(() => {
    (window as any).__marker = 1;
  });
  const documentLoads: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'document') documentLoads.push(`${r.method()} ${r.url()}`);
  });

  await spotify.getByRole('button', { name: REVOKE_ALL_SPOTIFY, exact: true }).click();

  const status = page.getByRole('status').filter({ hasText: 'Revoked:' });
  await expect(status).toHaveText(/^\s*Revoked: Spotify can no longer /);
  await expect(status).toContainText('messages');
  await expect(spotify).toContainText('Spotify can no longer reach your messages');
  await expect(spotify).not.toContainText('Spotify can read');
  await expect(spotify.getByRole('button', { name: REVOKE_ALL_SPOTIFY, exact: true })).toHaveCount(0);

  // The page was updated in place: the same document, no page load.
  expect(await page.evaluate(() => (window as any).__marker)).toBe(1);
  expect(documentLoads).toEqual([]);

  await page.reload();
  await expect(dashboardHeading(page)).toBeVisible();
  await expect(spotify).toContainText('Spotify can no longer reach your messages');
  await expect(spotify).not.toContainText('Spotify can read');
  await expect(page.getByText('8 partners can reach your data: 2 can read your messages.')).toBeVisible();

  for (const access of ['read', 'write', 'delete']) {
    const answer = await checkAccess(request, partnerKey('spotify'), {
      user: user.handle,
      category: 'messages',
      access,
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json, `Spotify ${access} messages`).toMatchObject({ decision: 'deny', reason: 'withdrawn' });
    expect(Number.isNaN(Date.parse(answer.json.since)), `since = ${answer.json.since}`).toBe(false);
  }
  const netflix = await checkAccess(request, partnerKey('netflix'), {
    user: user.handle,
    category: 'messages',
    access: 'read',
  });
  expect(netflix.status, netflix.text).toBe(200);
  expect(netflix.json).toMatchObject({ decision: 'allow' });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the revoke button is a plain form that redirects back to the dashboard', async ({
    page,
    request,
  }) => {
    const user = createUser('No Script');
    await signIn(page, user);
    const spotify = await cell(page, 'Spotify', 'Messages');
    await expect(spotify).toContainText('Spotify can read, write and delete your messages');

    const revokeResponse = page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/revoke',
    );
    await spotify.getByRole('button', { name: REVOKE_ALL_SPOTIFY, exact: true }).click();
    const response = await revokeResponse;
    expect(response.status(), 'the form POST answers with a redirect').toBeGreaterThanOrEqual(300);
    expect(response.status()).toBeLessThan(400);

    // Back on the dashboard (an empty query string, "/?", counts as "/").
    await page.waitForLoadState('load');
    await expect(page).toHaveURL((url) => url.pathname === '/' && url.search === '');
    await expect(dashboardHeading(page)).toBeVisible();
    await expect(spotify).toContainText('Spotify can no longer reach your messages');
    await expect(spotify).not.toContainText('Spotify can read');
    await expect(await cell(page, 'Netflix', 'Messages')).toContainText('Netflix can read your messages');
    // The page says what was just done, as it does with script; once.
    await expect(page.getByRole('status')).toHaveText(
      'Revoked: Spotify can no longer read, write or delete your messages. Spotify has no endpoint: it is refused from its next check.',
    );
    await page.reload();
    await expect(dashboardHeading(page)).toBeVisible();
    await expect(page.getByRole('status')).toHaveText('');

    const answer = await checkAccess(request, partnerKey('spotify'), {
      user: user.handle,
      category: 'messages',
      access: 'read',
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({ decision: 'deny', reason: 'withdrawn' });
  });
});
