import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { createUser, dashboardHeading, signIn } from './support';

// Support staff help a caller: find them, open their permissions (the caller will see that),
// revoke with a reason. They never get a way to grant.

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const AGENT = { email: 'support@example.com', password: 'support-demo-2018' };

async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`)).toEqual([]);
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in', level: 1 })).toBeVisible();
}

test('support finds a caller, opens their permissions, revokes with a reason, and the caller sees it all', async ({
  page,
}) => {
  const caller = createUser('Caller');
  await signIn(page, AGENT);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Support console' }).click();
  await expect(page.getByRole('heading', { name: 'Support console', level: 1 })).toBeVisible();
  await expectNoAxeViolations(page);

  await page.getByLabel('Email, name or number').fill(caller.email.slice(0, 10));
  await page.getByRole('button', { name: 'Find' }).click();
  await page.getByRole('link', { name: `Open case of ${caller.name}` }).first().click();

  await expect(page.getByText(`Opening ${caller.name}'s permissions is recorded`)).toBeVisible();
  await page.getByLabel('Ticket (optional)').fill('T-2018');
  await page.getByRole('button', { name: `Open ${caller.name}'s permissions` }).click();
  await expect(page.getByRole('heading', { name: `${caller.name}'s permissions`, level: 1 })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText(
    `Opened ${caller.name}'s permissions. This look is recorded, and ${caller.name} will see it in their history.`,
  );
  await expectNoAxeViolations(page);
  // Nothing here grants.
  await expect(page.getByRole('button', { name: /allow/i })).toHaveCount(0);

  // Without a reason the browser refuses to send the form; the server would refuse it too.
  const revoke = page.getByRole('button', {
    name: `Revoke read access of Spotify to ${caller.name}'s messages`,
    exact: true,
  });
  await page.getByLabel(`Reason (${caller.name} will read it)`).fill('Caller asked to stop Spotify reading messages');
  await page.getByLabel('Ticket (optional)').fill('T-2018');
  await revoke.click();
  await expect(page.getByRole('status')).toHaveText(
    `Revoked: Spotify can no longer read ${caller.name}'s messages. Spotify has no endpoint: it is refused from its next check.`,
  );
  await expect(page.getByRole('button', { name: `Revoke read access of Spotify to ${caller.name}'s messages` })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('status'), 'said once').toHaveCount(0);

  await signOut(page);
  await signIn(page, caller);
  await expect(dashboardHeading(page)).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click();
  await expect(
    page.getByRole('row').filter({ hasText: "Support agent Sam Support revoked Spotify's read access to your messages" }),
  ).toContainText('Caller asked to stop Spotify reading messages (ticket T-2018)');
  await expect(page.getByRole('region', { name: 'When support staff looked' })).toContainText(
    /Support agent Sam Support looked at your permissions on .* \(ticket T-2018\)\./,
  );
  // A person has no support console.
  await expect(page.getByRole('link', { name: 'Support console' })).toHaveCount(0);
  const response = await page.goto('/support');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('alert')).toContainText('This page is for support staff only.');
});
