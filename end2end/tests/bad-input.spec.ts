import { expect, test } from '@playwright/test';
import {
  checkAccess,
  createUser,
  dashboardHeading,
  partnerKey,
  postRevoke,
  signIn,
  tableSnapshot,
} from './support';

test.describe('partner API', () => {
  let handle: string;
  test.beforeAll(() => {
    handle = createUser('Api Subject').handle;
  });
  const body = (extra: Record<string, unknown> = {}) => ({ user: handle, category: 'messages', access: 'read', ...extra });

  function expectError(answer: { status: number; json: any; text: string }, status: number) {
    expect(answer.status, answer.text).toBe(status);
    expect(answer.json, answer.text).not.toBeNull();
    expect(typeof answer.json.error, answer.text).toBe('string');
    expect(typeof answer.json.message, answer.text).toBe('string');
    expect(answer.json.decision, 'an error never carries a decision').toBeUndefined();
  }

  test('a known key gets a decision', async ({ request }) => {
    const answer = await checkAccess(request, partnerKey('netflix'), body());
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({ decision: 'allow' });
    const never = await checkAccess(request, partnerKey('netflix'), body({ access: 'delete' }));
    expect(never.json).toMatchObject({ decision: 'deny', reason: 'never_granted' });
  });

  test('a wrong or missing key is 401', async ({ request }) => {
    expectError(await checkAccess(request, 'demo-key-not-a-partner', body()), 401);
    expectError(await checkAccess(request, null, body()), 401);
  });

  test('an unknown category or access is 400', async ({ request }) => {
    expectError(await checkAccess(request, partnerKey('spotify'), body({ category: 'dreams' })), 400);
    expectError(await checkAccess(request, partnerKey('spotify'), body({ access: 'launch' })), 400);
  });

  test('malformed JSON is 400', async ({ request }) => {
    expectError(await checkAccess(request, partnerKey('spotify'), `{"user": "${handle}", "category": `), 400);
    expectError(await checkAccess(request, partnerKey('spotify'), JSON.stringify({ user: handle })), 400);
  });

  test('a 20 KiB body is 413', async ({ request }) => {
    const padded = JSON.stringify(body({ padding: 'x'.repeat(20 * 1024) }));
    expect(padded.length).toBeGreaterThan(20 * 1024);
    expectError(await checkAccess(request, partnerKey('spotify'), padded), 413);
  });

  test('naming another partner is 403', async ({ request }) => {
    expectError(await checkAccess(request, partnerKey('netflix'), body({ partner: 'spotify' })), 403);
    const own = await checkAccess(request, partnerKey('netflix'), body({ partner: 'netflix' }));
    expect(own.status, own.text).toBe(200);
    expect(own.json).toMatchObject({ decision: 'allow' });
  });

  test('an unknown user is 404', async ({ request }) => {
    expectError(await checkAccess(request, partnerKey('spotify'), body({ user: 'nobody-by-this-handle' })), 404);
  });
});

test.describe('revocation endpoint', () => {
  test('malformed fields are 400 and change nothing', async ({ page, baseURL, request }) => {
    const user = createUser('Bad Form');
    await signIn(page, user);
    const before = await tableSnapshot(page);

    const forms: Record<string, string>[] = [
      { partner: 'spotify', category: 'messages', access: 'launch' },
      { access: 'launch' },
      { partner: 'no-such-partner', category: 'messages', access: 'read' },
      {},
      { grant: 'twelve' },
    ];
    for (const form of forms) {
      const answer = await postRevoke(page.request, baseURL!, form);
      expect(answer.status, `${JSON.stringify(form)} -> ${answer.status}: ${answer.text}`).toBe(400);
    }

    await page.reload();
    await expect(dashboardHeading(page)).toBeVisible();
    expect(await tableSnapshot(page), 'the dashboard is unchanged').toEqual(before);
    const spotify = await checkAccess(request, partnerKey('spotify'), {
      user: user.handle,
      category: 'messages',
      access: 'read',
    });
    expect(spotify.json).toMatchObject({ decision: 'allow' });
  });

  test('without signing in it is 401 and changes nothing', async ({ page, baseURL, request }) => {
    const user = createUser('Signed Out');
    const answer = await postRevoke(request, baseURL!, { partner: 'spotify', category: 'messages', access: 'read' });
    expect(answer.status, answer.text).toBe(401);
    const spotify = await checkAccess(request, partnerKey('spotify'), {
      user: user.handle,
      category: 'messages',
      access: 'read',
    });
    expect(spotify.json).toMatchObject({ decision: 'allow' });
    await signIn(page, user);
    await expect(page.getByText('9 partners can reach your data: 3 can read your messages.')).toBeVisible();
  });
});

test('a wrong password shows an alert and stays on the sign-in page', async ({ page }) => {
  const user = createUser('Wrong Password');
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('That email and password do not match an account.');
  expect(new URL(page.url()).pathname).toBe('/sign-in');
  await expect(page.getByRole('heading', { name: 'Sign in to Who Can See', level: 1 })).toBeVisible();
  await expect(dashboardHeading(page)).toHaveCount(0);

  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in(\?.*)?$/);
});
