import { expect, test } from '@playwright/test';
import {
  STANDARD_CELLS,
  cell,
  checkAccess,
  createUser,
  dashboardHeading,
  grantIdOf,
  partnerKey,
  postRevoke,
  signIn,
  tableSnapshot,
  waitForHydration,
} from './support';

test("a second user sees only their own grants and cannot revoke the first user's", async ({
  page,
  browser,
  baseURL,
  request,
}) => {
  const alice = createUser('Owner A');
  const bob = createUser('Other B');
  expect(bob.handle).not.toBe(alice.handle);

  // A takes back delete on messages from Spotify, so A's dashboard differs from the standard one.
  await signIn(page, alice);
  const aliceSpotify = await cell(page, 'Spotify', 'Messages');
  await waitForHydration(page);
  await aliceSpotify
    .getByRole('button', { name: 'Revoke delete access of Spotify to your messages', exact: true })
    .click();
  await expect(aliceSpotify).toContainText('Spotify can read and write your messages');
  await page.reload();
  await expect(aliceSpotify).toContainText('Spotify can read and write your messages');
  const aliceGrant = await grantIdOf(page, 'Revoke read access of Netflix to your messages');
  const aliceBefore = await tableSnapshot(page);

  // B, in a browser context of their own, sees the full standard set.
  const bobContext = await browser.newContext({ baseURL });
  try {
    const bobPage = await bobContext.newPage();
    await signIn(bobPage, bob);
    for (const { partner, category, sentence } of STANDARD_CELLS) {
      await expect(await cell(bobPage, partner, category), `${partner} / ${category}`).toContainText(sentence);
    }
    const bobGrant = await grantIdOf(bobPage, 'Revoke read access of Netflix to your messages');
    expect(bobGrant, "B's page shows B's grants, not A's").not.toBe(aliceGrant);
    const bobBefore = await tableSnapshot(bobPage);

    // B tries to revoke A's grant with B's own session.
    const attempt = await postRevoke(bobContext.request, baseURL!, { grant: aliceGrant });
    expect([403, 404], `status ${attempt.status}: ${attempt.text}`).toContain(attempt.status);

    await bobPage.reload();
    await expect(dashboardHeading(bobPage)).toBeVisible();
    expect(await tableSnapshot(bobPage), "B's own dashboard is unchanged").toEqual(bobBefore);
  } finally {
    await bobContext.close();
  }

  await page.reload();
  await expect(dashboardHeading(page)).toBeVisible();
  expect(await tableSnapshot(page), "A's dashboard is unchanged").toEqual(aliceBefore);
  await expect(await cell(page, 'Netflix', 'Messages')).toContainText('Netflix can read your messages');
  const netflix = await checkAccess(request, partnerKey('netflix'), {
    user: alice.handle,
    category: 'messages',
    access: 'read',
  });
  expect(netflix.json).toMatchObject({ decision: 'allow' });
});
