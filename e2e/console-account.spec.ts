import { expect, test } from '@playwright/test';
import { linkIn, uniqueEmail, waitForMail } from './support/mail';

/**
 * Accounts in a real browser: repeated wrong passwords lock the account with
 * a clear message, the mailed reset link unlocks it, and the new password
 * works while the old one does not.
 */
test('sign-in throttling, then password reset by mail', async ({ page, request }) => {
  test.setTimeout(90_000);
  const email = uniqueEmail('locked');
  const signup = await request.post('/api/v1/account/signup', { data: { name: 'Lena Locked', email, password: 'the original password' } });
  expect(signup.status()).toBe(201);

  const signIn = async (password: string) => {
    await page.goto('/signin');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  await test.step('wrong passwords are refused, then the account is throttled', async () => {
    await signIn('not it');
    await expect(page.getByRole('main').getByRole('alert')).toHaveText('Wrong email or password.');
    for (let i = 0; i < 9; i++) {
      await signIn(`still not it ${i}`);
      await expect(page.getByRole('main').getByRole('alert')).toHaveText('Wrong email or password.');
    }
    await signIn('the original password');
    await expect(page.getByRole('main').getByRole('alert')).toContainText('Too many failed sign-ins for this account');
    await expect(page).toHaveURL(/\/signin/);
  });

  await test.step('a mailed reset link sets a new password and lifts the lock', async () => {
    await page.goto('/signin');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    // The sign-in form has an Email field too: fill only once the client-side navigation has landed.
    await expect(page).toHaveURL(/\/reset-password/);
    await expect(page.getByRole('button', { name: 'Mail me a reset link' })).toBeVisible();
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Mail me a reset link' }).click();
    await expect(page.getByRole('main')).toContainText('a reset link is on its way');
    const mail = await waitForMail(email, /Reset your Atrium password/);
    // Failures and the reset fall in different seconds (timestamps are second-precise).
    await page.waitForTimeout(1000);
    await page.goto(linkIn(mail, '/reset-password?token='));
    await page.getByLabel('New password', { exact: true }).fill('a brand new password');
    await page.getByLabel('Repeat the new password').fill('a brand new password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect(page).toHaveURL(/\/signin\?reset=1/);
    await signIn('a brand new password');
    await expect(page).toHaveURL(/\/orgs$/);
    await expect(page.getByRole('heading', { name: 'Your organisations' })).toBeVisible();
  });

  await test.step('the reset link works once', async () => {
    const mail = await waitForMail(email, /Reset your Atrium password/);
    await page.goto(linkIn(mail, '/reset-password?token='));
    await page.getByLabel('New password', { exact: true }).fill('yet another password');
    await page.getByLabel('Repeat the new password').fill('yet another password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect(page.getByRole('main').getByRole('alert')).toContainText('invalid or has already been used');
  });
});
