import { expect, test } from '@playwright/test';
import { linkIn, uniqueEmail, waitForMail } from './support/mail';

/**
 * Main flow 1 of the product: sign up → verify by the mailed link → create an
 * org → build a team tree → invite a teammate, who signs up through the
 * invitation link in a second browser and lands in the org with the right
 * role — and, as a developer, is refused the admin pages and admin APIs.
 */
test('sign up, verify, create an org and teams, invite a teammate who joins as developer', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const owner = await browser.newContext();
  const page = await owner.newPage();
  const ownerEmail = uniqueEmail('owner');
  const password = 'correct horse battery staple';
  const stamp = Date.now().toString(36);
  const orgName = `Acme ${stamp}`;

  await test.step('sign up', async () => {
    await page.goto('/signup');
    await page.getByLabel('Your name').fill('Olive Owner');
    await page.getByLabel('Work email').fill(ownerEmail);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page).toHaveURL(/\/verify-email/);
    await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();
  });

  await test.step('an unverified account cannot create an org', async () => {
    await page.goto('/orgs/new');
    await expect(page.getByRole('main').getByRole('alert')).toContainText('Verify your email address first');
  });

  await test.step('verify through the mailed link', async () => {
    const mail = await waitForMail(ownerEmail, /Verify your email/);
    await page.goto(linkIn(mail, '/verify-email?token='));
    await expect(page.getByRole('main').getByRole('status')).toContainText(`${ownerEmail} is verified`);
  });

  let orgSlug = '';
  await test.step('create an org', async () => {
    await page.getByRole('link', { name: 'Create an organisation' }).click();
    await page.getByLabel('Name').fill(orgName);
    orgSlug = await page.getByLabel('Slug').inputValue();
    expect(orgSlug).toBe(`acme-${stamp}`);
    await page.getByRole('button', { name: 'Create organisation' }).click();
    await expect(page).toHaveURL(new RegExp(`/o/${orgSlug}$`));
    await expect(page.getByRole('heading', { name: orgName })).toBeVisible();
  });

  await test.step('build a team tree', async () => {
    await page.getByRole('navigation', { name: 'Organisation' }).getByRole('link', { name: 'Teams' }).click();
    await page.getByRole('button', { name: 'New team' }).click();
    await page.getByLabel('Team name').fill('Platform');
    await page.getByRole('button', { name: 'Create team' }).click();
    await expect(page.getByTestId('team-platform')).toBeVisible();
    await page.getByRole('button', { name: 'Add a sub-team to Platform' }).click();
    await page.getByLabel('Team name').fill('Payments');
    await page.getByRole('button', { name: 'Create team' }).click();
    // Shown as a tree: Payments is nested inside Platform's node.
    await expect(page.getByTestId('team-platform').getByTestId('team-payments')).toBeVisible();
  });

  const devEmail = uniqueEmail('dev');
  await test.step('invite a teammate as developer in Payments', async () => {
    await page.goto(`/o/${orgSlug}/invitations`);
    await page.getByLabel('Email').fill(devEmail);
    await page.getByLabel('Role').selectOption('developer');
    await page.getByLabel('Team (optional)').selectOption({ label: '\u00a0\u00a0Payments' });
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await expect(page.getByRole('main').getByRole('status')).toContainText(`Invitation sent to ${devEmail}`);
    await expect(page.getByTestId(`invitation-${devEmail}`)).toContainText('pending');
  });

  const teammate = await browser.newContext();
  const devPage = await teammate.newPage();
  await test.step('the teammate signs up through the invitation link', async () => {
    const mail = await waitForMail(devEmail, /invited to/);
    await devPage.goto(linkIn(mail, '/invite?token='));
    await expect(devPage.getByRole('heading', { name: `Join ${orgName}` })).toBeVisible();
    await expect(devPage.getByLabel('Work email')).toHaveValue(devEmail);
    await devPage.getByLabel('Your name').fill('Dana Developer');
    await devPage.getByLabel('Password').fill('another long passphrase');
    await devPage.getByRole('button', { name: 'Create account' }).click();
    await expect(devPage).toHaveURL(new RegExp(`/o/${orgSlug}$`));
    await expect(devPage.getByRole('main')).toContainText('You are developer');
  });

  await test.step('the same link cannot be used twice', async () => {
    const mail = await waitForMail(devEmail, /invited to/);
    const third = await browser.newContext();
    const p = await third.newPage();
    await p.goto(linkIn(mail, '/invite?token='));
    await expect(p.getByRole('main').getByRole('alert')).toContainText('already been used');
    await third.close();
  });

  await test.step('a developer cannot open admin pages or call admin APIs', async () => {
    const nav = devPage.getByRole('navigation', { name: 'Organisation' });
    await expect(nav.getByRole('link', { name: 'Teams' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Members' })).toHaveCount(0);
    await expect(nav.getByRole('link', { name: 'Audit log' })).toHaveCount(0);
    for (const adminPage of ['members', 'invitations', 'audit']) {
      await devPage.goto(`/o/${orgSlug}/${adminPage}`);
      await expect(devPage.getByTestId('forbidden')).toBeVisible();
    }
    await devPage.goto(`/o/${orgSlug}/teams`);
    await expect(devPage.getByTestId('team-payments')).toBeVisible();
    await expect(devPage.getByRole('button', { name: 'New team' })).toHaveCount(0);

    const headers = { origin: baseURL!, 'content-type': 'application/json' };
    const list = await teammate.request.get(`/api/v1/orgs/${orgSlug}/members`);
    expect(list.status()).toBe(403);
    const invite = await teammate.request.post(`/api/v1/orgs/${orgSlug}/invitations`, { headers, data: { email: uniqueEmail('x'), role: 'admin' } });
    expect(invite.status()).toBe(403);
    expect((await invite.json()).error.code).toBe('FORBIDDEN');
    const me = await teammate.request.get('/api/v1/me');
    expect((await me.json()).orgs).toEqual([expect.objectContaining({ slug: orgSlug, role: 'developer' })]);
  });

  await test.step('the owner sees the new member (counted on the overview, found by search) and the audit trail', async () => {
    await page.goto(`/o/${orgSlug}`);
    await expect(page.getByTestId('member-count')).toHaveText('2 members.');
    await page.goto(`/o/${orgSlug}/members`);
    await expect(page.getByTestId(`member-${devEmail}`)).toContainText('Payments');
    await expect(page.getByTestId(`member-${ownerEmail}`)).toBeVisible();
    await page.getByLabel('Find a member').fill(devEmail.split('@')[0]!.toUpperCase());
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/[?&]q=/);
    await expect(page.getByTestId(`member-${devEmail}`)).toBeVisible();
    await expect(page.getByTestId(`member-${ownerEmail}`)).toHaveCount(0);
    // A stale or edited cursor in the address bar starts again at the first page.
    await page.goto(`/o/${orgSlug}/members?cursor=not-a-cursor`);
    await expect(page).toHaveURL(new RegExp(`/o/${orgSlug}/members$`));
    await expect(page.getByTestId(`member-${ownerEmail}`)).toBeVisible();
    await page.goto(`/o/${orgSlug}/audit?action=invitation.`);
    await expect(page.getByRole('table')).toContainText('invitation.accept');
    await expect(page.getByRole('table')).toContainText('invitation.create');
    await expect(page.getByRole('table')).not.toContainText('team.create');
  });

  await test.step('the owner adds the teammate to Platform through the member search', async () => {
    await page.goto(`/o/${orgSlug}/teams`);
    const platformNode = page.getByTestId('team-platform').locator('.node').first();
    await expect(platformNode).toContainText('0 members');
    await page.getByRole('button', { name: 'Edit Platform' }).click();
    await expect(page.getByRole('list', { name: 'Members of Platform' })).toHaveCount(0);
    await page.getByLabel('Add a member').fill('zz-nobody');
    await expect(page.getByRole('main')).toContainText('No one else matches “zz-nobody”');
    await page.getByLabel('Add a member').fill(devEmail.slice(0, 8));
    await page.getByRole('button', { name: `Add ${devEmail} to Platform` }).click();
    await expect(page.getByRole('list', { name: 'Members of Platform' })).toContainText(devEmail);
    await expect(platformNode).toContainText('1 member');
    // Already a member: no longer offered.
    await page.getByLabel('Add a member').fill(devEmail.slice(0, 8));
    await expect(page.getByRole('main')).toContainText('No one else matches');
    await page.getByRole('button', { name: `Remove ${devEmail} from Platform` }).click();
    await expect(platformNode).toContainText('0 members');
  });

  await owner.close();
  await teammate.close();
});
