import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/// The app binary under test (the same one playwright.config.ts starts).
export const BINARY = process.env.E2E_BINARY || path.resolve(__dirname, '../../target/release/who-can-see');

export const PASSWORD = 'e2e-password-123';

export type User = { email: string; password: string; handle: string; name: string };

/// Column headers of the grants table, in order; "Partner" is the row-header column.
export const CATEGORIES = ['Messages', 'Friends', 'Contacts', 'Profile', 'Posts', 'Calendar'] as const;
export type Category = (typeof CATEGORIES)[number];

/// What every add-demo-user user holds at the start, cell by cell.
export const STANDARD_CELLS: { partner: string; category: Category; sentence: string }[] = [
  { partner: 'Spotify', category: 'Messages', sentence: 'Spotify can read, write and delete your messages' },
  { partner: 'Netflix', category: 'Messages', sentence: 'Netflix can read your messages' },
  { partner: 'Royal Bank of Canada', category: 'Messages', sentence: 'Royal Bank of Canada can read your messages' },
  { partner: 'Microsoft Bing', category: 'Friends', sentence: 'Microsoft Bing can read your friends' },
  { partner: 'Amazon', category: 'Contacts', sentence: 'Amazon can read your contacts' },
  { partner: 'Amazon', category: 'Friends', sentence: 'Amazon can read your friends' },
  { partner: 'Yandex', category: 'Profile', sentence: 'Yandex can read your profile' },
  { partner: 'Apple', category: 'Contacts', sentence: 'Apple can read your contacts' },
  { partner: 'Apple', category: 'Calendar', sentence: 'Apple can read your calendar' },
  { partner: 'Yahoo', category: 'Posts', sentence: 'Yahoo can read your posts' },
  { partner: 'The New York Times', category: 'Friends', sentence: 'The New York Times can read your friends' },
];

export function databaseUrl(): string {
  const url = process.env.E2E_DATABASE_URL;
  if (!url) throw new Error('E2E_DATABASE_URL is not set: run the tests through playwright.config.ts');
  return url;
}

/// Creates a fresh user holding the standard demo grants, through the app's own admin command.
export function createUser(name: string, options: { grants?: boolean } = {}): User {
  const local = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 12);
  const unique = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const email = `${local}-${unique}@example.test`;
  const stdout = execFileSync(
    BINARY,
    ['add-demo-user', '--email', email, '--password', PASSWORD, '--name', name, ...(options.grants === false ? ['--no-grants'] : [])],
    { env: { ...process.env, DATABASE_URL: databaseUrl(), RUST_LOG: 'warn' }, encoding: 'utf8', timeout: 20_000 },
  );
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const handle = lines[lines.length - 1];
  if (!handle) throw new Error(`add-demo-user printed no handle (stdout: ${JSON.stringify(stdout)})`);
  return { email, password: PASSWORD, handle, name };
}

export function dashboardHeading(page: Page): Locator {
  return page.getByRole('heading', { name: 'Who can see your data', level: 1 });
}

export async function signIn(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(dashboardHeading(page)).toBeVisible();
}

/// Waits until the page's WebAssembly has been fetched and had a moment to hydrate, so that a
/// click is handled in place rather than by the browser submitting the form.
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(
    () => performance.getEntriesByType('resource').some((e) => e.name.split('?')[0].endsWith('.wasm')),
    null,
    { timeout: 15_000 },
  );
  await page.waitForLoadState('networkidle');
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        if ('requestIdleCallback' in window) window.requestIdleCallback(() => resolve(), { timeout: 1000 });
        else setTimeout(resolve, 200);
      }),
  );
}

export function grantsTable(page: Page): Locator {
  return page.getByRole('table', { name: 'Partners who can reach your data' });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/// The row of one partner: its row header is the partner's name, followed by the button
/// "Remove <partner>" while the partner still holds something.
export function partnerRow(page: Page, partner: string): Locator {
  const name = escapeRegExp(partner);
  return grantsTable(page)
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${name}(\\s+Remove ${name})?$`) }) });
}

/// The cell of one partner and one category (by the column header's position).
export async function cell(page: Page, partner: string, category: Category): Promise<Locator> {
  const headers = (await grantsTable(page).getByRole('columnheader').allInnerTexts()).map(normalise);
  const column = headers.indexOf(category);
  expect(column, `column header "${category}" among ${JSON.stringify(headers)}`).toBeGreaterThan(0);
  // Column 0 is "Partner", the row header; data cells start at column 1.
  return partnerRow(page, partner).getByRole('cell').nth(column - 1);
}

export function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/// The text of every data cell, keyed "<row header> | <column header>".
export async function tableSnapshot(page: Page): Promise<Map<string, string>> {
  const table = grantsTable(page);
  await expect(table).toBeVisible();
  const headers = (await table.getByRole('columnheader').allInnerTexts()).map(normalise);
  const snapshot = new Map<string, string>();
  const rows = table.getByRole('row');
  const count = await rows.count();
  for (let i = 0; i < count; i++) {
    const row = rows.nth(i);
    const rowHeaders = await row.getByRole('rowheader').allInnerTexts();
    if (rowHeaders.length === 0) continue; // the header row
    // The partner's name, without the "Remove <partner>" button that goes once nothing is left.
    const name = normalise(rowHeaders[0]).replace(/\s+Remove .*$/, '');
    const cells = (await row.getByRole('cell').allInnerTexts()).map(normalise);
    cells.forEach((text, j) => snapshot.set(`${name} | ${headers[j + 1] ?? `column ${j + 1}`}`, text));
  }
  return snapshot;
}

export function withoutCategory(snapshot: Map<string, string>, category: Category): Record<string, string> {
  return Object.fromEntries([...snapshot].filter(([key]) => !key.endsWith(`| ${category}`)));
}

export type CheckBody = Record<string, unknown> | string;

/// Asks the partner API; a string body is sent as it is (for malformed or oversized bodies).
export async function checkAccess(
  request: APIRequestContext,
  key: string | null,
  body: CheckBody,
): Promise<{ status: number; json: any; text: string; headers: Record<string, string> }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (key !== null) headers.Authorization = `Bearer ${key}`;
  const response = await request.post('/api/v1/check', {
    headers,
    data: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status(), json, text, headers: response.headers() };
}

export function partnerKey(slug: string): string {
  return `demo-key-${slug}`;
}

/// A revocation POST made like a browser's form submission but without Accept: text/html,
/// with the cookies of whichever context `request` belongs to.
export async function postRevoke(
  request: APIRequestContext,
  baseURL: string,
  form: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const response = await request.post('/api/revoke', {
    form,
    headers: { Origin: baseURL, Accept: 'application/json' },
    maxRedirects: 0,
  });
  return { status: response.status(), text: await response.text() };
}

/// The value of the hidden `grant` input in the form of one single-access revoke button.
export async function grantIdOf(page: Page, buttonName: string): Promise<string> {
  const form = page.locator('form').filter({ has: page.getByRole('button', { name: buttonName, exact: true }) });
  await expect(form).toHaveCount(1);
  const value = await form.locator('input[name="grant"]').inputValue();
  expect(value, `grant id behind "${buttonName}"`).toMatch(/^\d+$/);
  return value;
}
