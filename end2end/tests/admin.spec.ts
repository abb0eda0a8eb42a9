import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { checkAccess, createUser, signIn } from './support';

// An admin manages the partner catalog: adds a partner, gives it a key (shown once), rotates
// it, and retires the partner. Everything is on the record with the admin's name and the time.
// The test works on a partner of its own, so the demo partners and their keys stay as other
// tests expect them.

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const ADMIN = { email: 'admin@example.com', password: 'admin-demo-2018' };
const AGENT = { email: 'support@example.com', password: 'support-demo-2018' };

async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`)).toEqual([]);
}

function partnerEntry(page: Page, name: string): Locator {
  return page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, level: 3, exact: true }) });
}

/// Presses the key button and reads the key from the one page that shows it.
async function takeNewKey(page: Page, button: string, name: string): Promise<string> {
  await page.getByRole('button', { name: button, exact: true }).click();
  await expect(page.getByRole('heading', { name: `New API key for ${name}`, level: 1 })).toBeVisible();
  await expect(page.getByText('Copy it now: it is shown only this once.')).toBeVisible();
  const key = await page.getByLabel(`API key for ${name}`).inputValue();
  expect(key).toMatch(/^wcs_[0-9a-f]{64}$/);
  expect(page.url()).not.toContain(key);
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: 'Back to the partner catalog' }).click();
  await expect(page.getByRole('heading', { name: 'Partner catalog', level: 1 })).toBeVisible();
  // Shown once: the catalog never shows it again.
  expect(await page.content()).not.toContain(key);
  return key;
}

test('an admin adds a partner, gives it a key shown once, rotates it and retires the partner, all on the record', async ({
  page,
  request,
}) => {
  const suffix = Date.now().toString(36);
  const slug = `e2e-books-${suffix}`;
  const name = `E2E Books ${suffix}`;
  const person = createUser('Key Check', { grants: false });
  const question = { user: person.handle, category: 'friends', access: 'read' };

  await signIn(page, ADMIN);
  await page.goto('/admin/partners');
  await expect(page.getByRole('heading', { name: 'Partner catalog', level: 1 })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' })).toBeVisible();
  await expectNoAxeViolations(page);

  // Add a partner.
  const add = page.getByRole('region', { name: 'Add a partner' });
  await add.getByLabel('Name', { exact: true }).fill(name);
  await add.getByLabel('Short name', { exact: true }).fill(slug);
  await add.getByLabel('Description', { exact: true }).fill('E-book shop. Wants to read friends lists.');
  await add.getByRole('button', { name: 'Add partner' }).click();
  await expect(page.getByRole('status')).toHaveText(`Added ${name} to the catalog. It has no API key until you make one.`);
  const entry = partnerEntry(page, name);
  await expect(entry).toContainText(slug);
  await expect(entry).toContainText('No key');
  await expect(entry).toContainText('Active');
  const record = page.getByRole('region', { name: 'Recent admin actions' });
  await expect(record).toContainText(new RegExp(`Ada Admin added ${name} to the catalog on \\d+ \\w+ \\d{4}, \\d\\d:\\d\\d UTC`));

  // Change its description: only the description changes.
  await page.getByLabel(`Description of ${name}`).fill('E-book shop. Reads friends lists.');
  await page.getByRole('button', { name: `Save the description of ${name}` }).click();
  await expect(page.getByLabel(`Description of ${name}`)).toHaveValue('E-book shop. Reads friends lists.');
  await expect(page.getByRole('status')).toHaveText(`Saved the new description of ${name}.`);
  await expect(record).toContainText(`Ada Admin changed the description of ${name} on`);

  // Its first key works at once.
  const first = await takeNewKey(page, `Create a new key for ${name}`, name);
  expect((await checkAccess(request, first, question)).status).toBe(200);
  await expect(partnerEntry(page, name)).toContainText('Has a key');
  await expect(record).toContainText(`Ada Admin created an API key for ${name} on`);

  // Rotating it ends the first key at once.
  const second = await takeNewKey(page, `Rotate the key of ${name}`, name);
  expect(second).not.toBe(first);
  expect((await checkAccess(request, second, question)).status).toBe(200);
  expect((await checkAccess(request, first, question)).status).toBe(401);
  await expect(record).toContainText(`Ada Admin rotated the API key of ${name} on`);
  await expectNoAxeViolations(page);

  // Retiring it ends its key too; it stays listed, retired, with nothing left to press.
  await page.getByRole('button', { name: `Retire ${name}`, exact: true }).click();
  await expect(page.getByRole('status')).toHaveText(
    `Retired ${name}: its API key no longer works, and no new grant can name it.`,
  );
  await expect(partnerEntry(page, name)).toContainText(/Retired on \d+ \w+ \d{4}/);
  await expect(partnerEntry(page, name)).toContainText('No key');
  await expect(page.getByRole('button', { name: `Retire ${name}`, exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: `Create a new key for ${name}`, exact: true })).toHaveCount(0);
  await expect(record).toContainText(`Ada Admin retired ${name} on`);
  expect((await checkAccess(request, second, question)).status).toBe(401);
  await expectNoAxeViolations(page);

  // Support staff have no catalog.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in', level: 1 })).toBeVisible();
  await signIn(page, AGENT);
  const response = await page.goto('/admin/partners');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('alert')).toContainText('This page is for admins only.');
});

test('a partner the form cannot add is explained on the page, and a crafted link explains nothing', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto('/admin/partners');

  // The catalog's forms work without script: a refusal comes back as a redirect to this page.
  const add = page.getByRole('region', { name: 'Add a partner' });
  await add.getByLabel('Name', { exact: true }).fill('Spotify Again');
  await add.getByLabel('Short name', { exact: true }).fill('spotify');
  await add.getByLabel('Description', { exact: true }).fill('A second partner under a name that is taken.');
  await add.getByRole('button', { name: 'Add partner' }).click();
  await expect(page.getByRole('heading', { name: 'Partner catalog', level: 1 })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('is already in the catalog');
  await expect(partnerEntry(page, 'Spotify Again')).toHaveCount(0);
  await expectNoAxeViolations(page);

  // Leptos's error parameter, written by someone else: URL-safe base64 of
  // {"BadInput":"Your account is suspended. Call +1 555 0100 now."}
  const spoofed = 'eyJCYWRJbnB1dCI6IllvdXIgYWNjb3VudCBpcyBzdXNwZW5kZWQuIENhbGwgKzEgNTU1IDAxMDAgbm93LiJ9';
  await page.goto(`/admin/partners?__err=${spoofed}`);
  await expect(page.getByRole('heading', { name: 'Partner catalog', level: 1 })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByText('suspended')).toHaveCount(0);
});

test.describe('on a phone, without JavaScript', () => {
  test.use({ javaScriptEnabled: false, viewport: { width: 375, height: 740 } });

  test("an endpoint a partner must not have is refused on the page, and nothing changes", async ({ page }) => {
    await signIn(page, ADMIN);
    await page.goto('/admin/partners');
    const spotify = partnerEntry(page, 'Spotify');
    await expect(spotify.getByText('No endpoint: the partner learns of changes only at its next check')).toBeVisible();
    for (const [endpoint, problem] of [
      ['http://10.0.0.7/events', 'The endpoint must use https.'],
      ['https://127.0.0.1/events', 'The endpoint must not be a private, loopback or link-local address.'],
    ]) {
      const field = page.getByLabel('Event endpoint of Spotify (https)', { exact: true });
      await field.fill(endpoint);
      await field.press('Enter');
      await expect(page.getByText(problem)).toBeVisible();
      await expect(
        partnerEntry(page, 'Spotify').getByText('No endpoint: the partner learns of changes only at its next check'),
      ).toBeVisible();
    }
    // axe needs the page's JavaScript; the first test runs it on this page with JavaScript on.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  });
});
