import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { createUser, dashboardHeading, signIn } from './support';

test('a person sees where they are signed in and signs out everywhere else', async ({ browser }) => {
  const user = createUser('Two Browsers');
  const laptop = await browser.newContext();
  const phone = await browser.newContext();
  const onLaptop = await laptop.newPage();
  const onPhone = await phone.newPage();
  await signIn(onLaptop, user);
  await signIn(onPhone, user);

  await onLaptop.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' }).click();
  await expect(onLaptop.getByRole('heading', { name: 'Your sessions', level: 1 })).toBeVisible();
  await expect(onLaptop.getByRole('table')).toHaveAccessibleName('Signed in on 2 browsers');
  await expect(onLaptop.getByRole('cell', { name: 'This browser' })).toHaveCount(1);
  const axe = await new AxeBuilder({ page: onLaptop }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  await onLaptop.getByRole('button', { name: 'Sign out everywhere else' }).click();

  await expect(onLaptop.getByRole('table')).toHaveAccessibleName('Signed in on this browser only');
  await expect(onLaptop.getByRole('status')).toHaveText('Ended your one other session: only this browser is signed in now.');
  await expect(onLaptop.getByRole('button', { name: 'Sign out everywhere else' })).toHaveCount(0);
  await onPhone.goto('/');
  await expect(onPhone).toHaveURL(/\/sign-in$/);
  await onLaptop.goto('/');
  await expect(dashboardHeading(onLaptop)).toBeVisible();
  await laptop.close();
  await phone.close();
});
