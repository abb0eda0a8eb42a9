import { expect, test, type Locator, type Page } from '@playwright/test';
import {
  cell,
  checkAccess,
  createUser,
  dashboardHeading,
  normalise,
  partnerKey,
  signIn,
  waitForHydration,
} from './support';

/// Events every add-demo-user user starts with: one per demo grant, and the expiry of the
/// Yandex grant that ran out in 2017.
const DEMO_EVENTS = 15;

const DPV_STATUSES = ['Given', 'Withdrawn', 'Revoked', 'Expired', 'Refused'];

const REVOKE_SPOTIFY_READ = 'Revoke read access of Spotify to your messages';
const ALLOW_SPOTIFY_READ = 'Allow read again for Spotify on your messages';
const REVOKE_NETFLIX_READ = 'Revoke read access of Netflix to your messages';
const HISTORY_ALLOW_NETFLIX_READ = 'Allow again for Netflix to read your messages';

/// "read withdrawn 23 Nov 2026".
const READ_WITHDRAWN = /read withdrawn \d{1,2} [A-Z][a-z]{2} \d{4}/;

const CAPTION = /^Consent events, page (\d+) of (\d+) \((\d+) in all\)$/;

function historyHeading(page: Page): Locator {
  return page.getByRole('heading', { name: 'History of your permissions', level: 1 });
}

/// The history table, named by its caption.
function historyTable(page: Page): Locator {
  return page.getByRole('table', { name: CAPTION });
}

/// Page, pages and total, read from the caption "Consent events, page X of Y (N in all)".
async function captionNumbers(page: Page): Promise<{ page: number; pages: number; total: number }> {
  const caption = historyTable(page).getByText(CAPTION);
  await expect(caption).toHaveCount(1);
  const text = normalise(await caption.innerText());
  const match = text.match(CAPTION);
  expect(match, `caption "${text}"`).not.toBeNull();
  return { page: Number(match![1]), pages: Number(match![2]), total: Number(match![3]) };
}

type HistoryRow = { when: string; what: string; who: string; reason: string; told: string; action: string };

/// The body rows of the history table, top (newest) first, keyed by column header.
async function historyRows(page: Page): Promise<HistoryRow[]> {
  const table = historyTable(page);
  await expect(table).toBeVisible();
  const headers = (await table.getByRole('columnheader').allInnerTexts()).map(normalise);
  expect(headers).toEqual(['When', 'What happened', 'Who', 'Reason', 'Partner told', 'Action']);
  const rows = table.getByRole('row');
  const count = await rows.count();
  const result: HistoryRow[] = [];
  for (let i = 0; i < count; i++) {
    const cells = (await rows.nth(i).getByRole('cell').allInnerTexts()).map(normalise);
    if (cells.length === 0) continue; // the header row
    expect(cells, `row ${i} has one cell per column`).toHaveLength(6);
    const [when, what, who, reason, told, action] = cells;
    result.push({ when, what, who, reason, told, action });
  }
  return result;
}

/// The first body row of the history table.
function topRow(page: Page): Locator {
  return historyTable(page)
    .getByRole('row')
    .filter({ has: page.getByRole('cell') })
    .first();
}

async function expectApi(
  request: Parameters<typeof checkAccess>[0],
  partner: string,
  handle: string,
  decision: 'allow' | 'deny',
): Promise<void> {
  const answer = await checkAccess(request, partnerKey(partner), {
    user: handle,
    category: 'messages',
    access: 'read',
  });
  expect(answer.status, answer.text).toBe(200);
  expect(answer.json, `${partner} read messages`).toMatchObject({ decision });
}

/// Takes back Spotify's read access on messages and allows it again from the dashboard cell.
/// A setup step: it works whether the click is handled in place or by the plain form.
async function withdrawAndAllowSpotifyRead(page: Page): Promise<void> {
  const spotify = await cell(page, 'Spotify', 'Messages');
  await waitForHydration(page);
  await spotify.getByRole('button', { name: REVOKE_SPOTIFY_READ, exact: true }).click();
  await expect(spotify).toContainText('Spotify can write and delete your messages');
  const again = spotify.getByRole('button', { name: ALLOW_SPOTIFY_READ, exact: true });
  await expect(again).toBeVisible();
  await again.click();
  await expect(spotify.getByRole('button', { name: ALLOW_SPOTIFY_READ, exact: true })).toHaveCount(0);
  await expect(spotify.getByRole('button', { name: REVOKE_SPOTIFY_READ, exact: true })).toBeVisible();
}

test('a withdrawn access is allowed again in place from its dashboard cell', async ({ page, request }) => {
  const user = createUser('Allow Again');
  await signIn(page, user);
  const spotify = await cell(page, 'Spotify', 'Messages');
  await expect(spotify).toContainText('Spotify can read, write and delete your messages');
  await expect(spotify.getByRole('button', { name: ALLOW_SPOTIFY_READ, exact: true })).toHaveCount(0);

  await waitForHydration(page);
  await page.evaluate(() => {
    (window as any).__marker = 1;
  });
  const documentLoads: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'document') documentLoads.push(`${r.method()} ${r.url()}`);
  });

  await spotify.getByRole('button', { name: REVOKE_SPOTIFY_READ, exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Revoked:' })).toHaveText(/^\s*Revoked:/);
  await expect(spotify).toContainText('Spotify can write and delete your messages');
  await expect(spotify).toContainText(READ_WITHDRAWN);
  const again = spotify.getByRole('button', { name: ALLOW_SPOTIFY_READ, exact: true });
  await expect(again).toBeVisible();
  await expectApi(request, 'spotify', user.handle, 'deny');

  await again.click();
  const status = page.getByRole('status').filter({ hasText: 'Allowed again:' });
  await expect(status).toHaveText(/^\s*Allowed again: Spotify can read your messages\.\s*$/);
  // The cell's sentence ("Spotify can … your messages") names read again, with write and delete.
  const sentence = spotify.getByText(/^Spotify can .+ your messages$/);
  await expect(sentence).toHaveCount(1);
  await expect(sentence).toHaveText(/^Spotify can (\w+, )*(\w+ and )?read\b/);
  await expect(sentence).toContainText('write');
  await expect(sentence).toContainText('delete');
  await expect(spotify.getByRole('button', { name: ALLOW_SPOTIFY_READ, exact: true })).toHaveCount(0);
  await expect(spotify.getByRole('button', { name: REVOKE_SPOTIFY_READ, exact: true })).toBeVisible();

  // Updated in place: the same document, no page load.
  expect(await page.evaluate(() => (window as any).__marker)).toBe(1);
  expect(documentLoads).toEqual([]);

  await expectApi(request, 'spotify', user.handle, 'allow');
});

test('History, reached from the main navigation, lists the withdrawal and the re-grant newest first', async ({
  page,
}) => {
  const user = createUser('History Reader');
  await signIn(page, user);

  // Before anything changes: the demo grants only.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History', exact: true }).click();
  await expect(page).toHaveURL((url) => url.pathname === '/history');
  await expect(historyHeading(page)).toBeVisible();
  expect(await captionNumbers(page)).toEqual({ page: 1, pages: 1, total: DEMO_EVENTS });
  const initial = await historyRows(page);
  expect(initial).toHaveLength(DEMO_EVENTS);
  expect(initial.map((r) => r.what)).toContain('You allowed Spotify to read your messages.');
  expect(initial.map((r) => r.what).filter((w) => w.startsWith('You withdrew'))).toEqual([]);

  const main = page.getByRole('navigation', { name: 'Main' });
  await main.getByRole('link', { name: 'Your data', exact: true }).click();
  await expect(dashboardHeading(page)).toBeVisible();
  await withdrawAndAllowSpotifyRead(page);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History', exact: true }).click();
  await expect(page).toHaveURL((url) => url.pathname === '/history');
  await expect(historyHeading(page)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();

  expect(await captionNumbers(page)).toEqual({ page: 1, pages: 1, total: DEMO_EVENTS + 2 });
  const rows = await historyRows(page);
  expect(rows).toHaveLength(DEMO_EVENTS + 2);
  expect(rows[0]).toMatchObject({ what: 'You allowed Spotify to read your messages.', who: 'You' });
  expect(rows[1]).toMatchObject({ what: "You withdrew Spotify's read access to your messages.", who: 'You' });
  expect(rows[0].when, 'the re-grant has a time').not.toBe('');
  expect(rows[1].when, 'the withdrawal has a time').not.toBe('');
  // What Spotify was told: it has no endpoint here, so it learns at its next check.
  expect(rows[1].told).toBe('Spotify has no endpoint: it is refused from its next check');
  expect(rows[0].told).toBe('Spotify has no endpoint: it is allowed from its next check');
  // The withdrawal is no longer the grant's newest event: nothing to allow again, only its
  // receipt. The only "Allow again" left is for the Yandex grant that expired in 2017.
  expect(rows[0].action).toMatch(/^Receipt\b/);
  expect(rows[1].action).toMatch(/^Receipt\b/);
  const downloading = page.waitForEvent('download');
  await page
    .getByRole('link', { name: "Receipt for: You withdrew Spotify's read access to your messages.", exact: true })
    .click();
  const receipt = await downloading;
  expect(receipt.suggestedFilename()).toMatch(/^who-can-see-receipt-\d+\.jws$/);
  const signed = (await import('node:fs')).readFileSync((await receipt.path())!, 'utf8');
  expect(signed.split('.'), 'a compact JWS: header, record, signature').toHaveLength(3);
  const record = JSON.parse(Buffer.from(signed.split('.')[1], 'base64url').toString('utf8'));
  expect(record['dpv:hasConsentStatus']).toBe('dpv:ConsentWithdrawn');
  expect(record['dpv:hasProcess']['dpv:hasRecipient']['dct:title']).toBe('Spotify');
  await expect(page.getByRole('button', { name: /^Allow again\b/ })).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Allow again for Yandex to read your friends', exact: true })).toHaveCount(1);
  // One page: no pager links.
  const pager = page.getByRole('navigation', { name: 'History pages' });
  await expect(pager.getByRole('link')).toHaveCount(0);
});

test('filtering History by partner lists only that partner', async ({ page }) => {
  const user = createUser('History Filter');
  await signIn(page, user);
  await page.goto('/history');
  await expect(historyHeading(page)).toBeVisible();
  expect((await captionNumbers(page)).total).toBe(DEMO_EVENTS);

  const partner = page.getByLabel('Partner', { exact: true });
  const category = page.getByLabel('Category', { exact: true });
  await expect(partner.getByRole('option').first()).toHaveText('All partners');
  await expect(category.getByRole('option').first()).toHaveText('All categories');

  await partner.selectOption({ label: 'Netflix' });
  await page.getByRole('button', { name: 'Show', exact: true }).click();

  await expect(page).toHaveURL((url) => url.pathname === '/history' && url.searchParams.get('partner') === 'netflix');
  await expect(historyHeading(page)).toBeVisible();
  await expect(page.getByLabel('Partner', { exact: true })).toHaveValue('netflix');
  const numbers = await captionNumbers(page);
  expect(numbers.total).toBeGreaterThan(0);
  expect(numbers.total).toBeLessThan(DEMO_EVENTS);
  const rows = await historyRows(page);
  expect(rows).toHaveLength(numbers.total);
  expect(rows.map((r) => r.what)).toContain('You allowed Netflix to read your messages.');
  for (const row of rows) expect(row.what, 'every row is about Netflix').toContain('Netflix');
});

test('"Allow again" on History gives a withdrawn access back', async ({ page, request }) => {
  const user = createUser('History Allow');
  await signIn(page, user);
  const netflix = await cell(page, 'Netflix', 'Messages');
  await waitForHydration(page);
  await netflix.getByRole('button', { name: REVOKE_NETFLIX_READ, exact: true }).click();
  await expect(netflix).toContainText('Netflix can no longer reach your messages');
  await expectApi(request, 'netflix', user.handle, 'deny');

  await page.goto('/history');
  await expect(historyHeading(page)).toBeVisible();
  await expect(topRow(page).getByRole('cell').nth(1)).toHaveText("You withdrew Netflix's read access to your messages.");
  const button = page.getByRole('button', { name: HISTORY_ALLOW_NETFLIX_READ, exact: true });
  await expect(button).toHaveCount(1);
  await expect(topRow(page).getByRole('button', { name: HISTORY_ALLOW_NETFLIX_READ, exact: true })).toBeVisible();

  await button.click();
  await expect(page).toHaveURL((url) => url.pathname === '/history' && url.search === '');
  await expect(historyHeading(page)).toBeVisible();
  // The page says what the click did, once.
  await expect(page.getByRole('status')).toHaveText('Allowed again: Netflix can read your messages.');
  await expect(topRow(page).getByRole('cell').nth(1)).toHaveText('You allowed Netflix to read your messages.');
  await expect(topRow(page).getByRole('cell').nth(2)).toHaveText('You');
  await expect(page.getByRole('button', { name: HISTORY_ALLOW_NETFLIX_READ, exact: true })).toHaveCount(0);
  expect((await captionNumbers(page)).total).toBe(DEMO_EVENTS + 2);

  await expectApi(request, 'netflix', user.handle, 'allow');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('"Allow again" on History is a plain form that comes back to History', async ({ page, request }) => {
    const user = createUser('History NoJS');
    await signIn(page, user);
    const netflix = await cell(page, 'Netflix', 'Messages');
    await expect(netflix).toContainText('Netflix can read your messages');

    await netflix.getByRole('button', { name: REVOKE_NETFLIX_READ, exact: true }).click();
    await page.waitForLoadState('load');
    await expect(page).toHaveURL((url) => url.pathname === '/' && url.search === '');
    await expect(dashboardHeading(page)).toBeVisible();
    await expect(netflix).toContainText('Netflix can no longer reach your messages');
    await expect(netflix).toContainText(READ_WITHDRAWN);
    await expectApi(request, 'netflix', user.handle, 'deny');

    await page.goto('/history');
    await expect(historyHeading(page)).toBeVisible();
    await expect(topRow(page).getByRole('cell').nth(1)).toHaveText("You withdrew Netflix's read access to your messages.");

    const button = page.getByRole('button', { name: HISTORY_ALLOW_NETFLIX_READ, exact: true });
    await expect(button).toHaveCount(1);
    const allowResponse = page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/allow-again',
    );
    await button.click();
    const response = await allowResponse;
    expect(response.status(), 'the form POST answers with a redirect').toBeGreaterThanOrEqual(300);
    expect(response.status()).toBeLessThan(400);

    await page.waitForLoadState('load');
    await expect(page).toHaveURL((url) => url.pathname === '/history' && url.search === '');
    await expect(historyHeading(page)).toBeVisible();
    await expect(page.getByRole('status')).toHaveText('Allowed again: Netflix can read your messages.');
    await expect(topRow(page).getByRole('cell').nth(1)).toHaveText('You allowed Netflix to read your messages.');
    await expect(page.getByRole('button', { name: HISTORY_ALLOW_NETFLIX_READ, exact: true })).toHaveCount(0);
    expect((await captionNumbers(page)).total).toBe(DEMO_EVENTS + 2);

    await expectApi(request, 'netflix', user.handle, 'allow');
  });
});

test('the JSON export is the whole chained ledger in DPV words, and the CSV has its header', async ({ page }) => {
  const user = createUser('History Export');
  await signIn(page, user);
  await withdrawAndAllowSpotifyRead(page);

  await page.goto('/history');
  await expect(historyHeading(page)).toBeVisible();
  const { total } = await captionNumbers(page);
  expect(total).toBe(DEMO_EVENTS + 2);
  await expect(page.getByRole('link', { name: 'as JSON', exact: true })).toHaveAttribute('href', '/history/export.json');
  await expect(page.getByRole('link', { name: 'as CSV', exact: true })).toHaveAttribute('href', '/history/export.csv');

  const jsonResponse = await page.request.get('/history/export.json', { maxRedirects: 0 });
  expect(jsonResponse.status()).toBe(200);
  expect(jsonResponse.headers()['content-type']).toContain('application/json');
  const events = await jsonResponse.json();
  expect(Array.isArray(events), 'an array').toBe(true);
  expect(events).toHaveLength(total);

  for (const event of events) {
    for (const field of [
      'event_id',
      'at',
      'partner',
      'category',
      'access',
      'status',
      'actor',
      'purpose',
      'reason',
      'prev_hash',
      'hash',
    ]) {
      expect(event, `event ${JSON.stringify(event)} has ${field}`).toHaveProperty(field);
    }
    expect(DPV_STATUSES, `status of event ${event.event_id}`).toContain(event.status);
    // The person acted, except for the demo grant that expired by itself in 2017.
    expect(event.actor).toBe(event.status === 'Expired' ? 'system' : 'user');
    expect(typeof event.hash).toBe('string');
    expect(event.hash.length).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(event.at)), `at = ${event.at}`).toBe(false);
  }
  // Oldest first, and each event chained to the one before it.
  for (let i = 1; i < events.length; i++) {
    expect(events[i].event_id, 'event ids grow, oldest first').toBeGreaterThan(events[i - 1].event_id);
    expect(Date.parse(events[i].at), `at of event ${events[i].event_id}`).toBeGreaterThanOrEqual(Date.parse(events[i - 1].at));
    expect(events[i].prev_hash, `prev_hash of event ${events[i].event_id}`).toBe(events[i - 1].hash);
  }
  expect(new Set(events.map((e: any) => e.hash)).size, 'hashes are distinct').toBe(events.length);
  // Every demo event is a grant except the one expiry; then the re-grant.
  expect(events.filter((e: any) => e.status === 'Given')).toHaveLength(DEMO_EVENTS);
  expect(events.filter((e: any) => e.status === 'Expired')).toMatchObject([{ partner: 'yandex', actor: 'system' }]);
  expect(events[events.length - 2]).toMatchObject({
    partner: 'spotify',
    category: 'messages',
    access: 'read',
    status: 'Withdrawn',
  });
  expect(events[events.length - 1]).toMatchObject({
    partner: 'spotify',
    category: 'messages',
    access: 'read',
    status: 'Given',
  });

  const csvResponse = await page.request.get('/history/export.csv', { maxRedirects: 0 });
  expect(csvResponse.status()).toBe(200);
  expect(csvResponse.headers()['content-type']).toContain('text/csv');
  const csv = await csvResponse.text();
  const lines = csv.split(/\r?\n/).filter((l) => l.length > 0);
  expect(lines[0].startsWith('event_id,at,partner,category,access,status,actor'), `header "${lines[0]}"`).toBe(
    true,
  );
  expect(lines, 'a header line and one line per event').toHaveLength(total + 1);
});

test('an unknown partner filter answers 400 with a way back to the whole history', async ({ page }) => {
  const user = createUser('History Bad');
  await signIn(page, user);

  const response = await page.goto('/history?partner=myspace');
  expect(response?.status()).toBe(400);
  await expect(historyHeading(page)).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText('There is no partner called “myspace”.');
  await expect(historyTable(page)).toHaveCount(0);

  await page.getByRole('link', { name: 'Show the whole history', exact: true }).click();
  await expect(page).toHaveURL((url) => url.pathname === '/history' && url.search === '');
  await expect(historyHeading(page)).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect((await captionNumbers(page)).total).toBe(DEMO_EVENTS);
});

test('signed out, History sends you to sign in', async ({ page }) => {
  await page.goto('/history');
  await expect(page).toHaveURL((url) => url.pathname === '/sign-in' && url.searchParams.get('next') === '/history');
  await expect(historyHeading(page)).toHaveCount(0);
  const exportResponse = await page.request.get('/history/export.json', { maxRedirects: 0 });
  expect(exportResponse.status()).toBe(303);
  expect(exportResponse.headers()['location']).toBe('/sign-in?next=%2Fhistory%2Fexport.json');
});
