import { expect, test } from '@playwright/test';
import { createUser, dashboardHeading, signIn } from './support';

test('the sign-in page names the demo accounts, and / sends a stranger there', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in(\?.*)?$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Who Can See', level: 1 })).toBeVisible();
  await expect(page.getByLabel('Email')).toBeVisible();
  await expect(page.getByLabel('Password')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByText('alice@example.com').first()).toBeVisible();
  await expect(page.getByText('bob@example.com').first()).toBeVisible();
});

test('signing out ends the session: / then redirects to /sign-in', async ({ page, browser, baseURL }) => {
  const user = createUser('Sign Out');
  await signIn(page, user);
  const cookies = await page.context().cookies();

  const signedOut = page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/sign-out',
  );
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signedOut;
  await page.waitForLoadState();

  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in(\?.*)?$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Who Can See', level: 1 })).toBeVisible();
  await expect(dashboardHeading(page)).toHaveCount(0);

  // The old session cookie is dead on the server too, not just dropped by this browser.
  const replay = await browser.newContext({ baseURL });
  try {
    await replay.addCookies(cookies);
    const replayPage = await replay.newPage();
    await replayPage.goto('/');
    await expect(replayPage).toHaveURL(/\/sign-in(\?.*)?$/);
  } finally {
    await replay.close();
  }
});

test('a stranger who opens /history signs in and lands on /history', async ({ page }) => {
  const user = createUser('Back To History');
  await page.goto('/history');
  // Sent to sign in, with the page asked for carried along.
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fhistory$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Who Can See', level: 1 })).toBeVisible();
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/history$/);
  await expect(page.getByRole('heading', { name: 'History of your permissions', level: 1 })).toBeVisible();
});
