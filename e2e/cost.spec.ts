import { ApiException, CoreV1Api, KubeConfig, type V1Service } from '@kubernetes/client-node';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { waitForMail } from './support/mail.js';

/**
 * Main flow 3 of the product, in a real browser against `npm start`, with a real Kubernetes
 * client: the demo owner sets team `platform`'s budget to $0.50 in the cost tree (seeing its
 * effect before saving); a LoadBalancer Service created with @kubernetes/client-node and the
 * downloaded kubeconfig is refused at admission with the numbers; the team's cost page shows
 * that refusal and the headroom; the budget raised to $5.00 in the console admits the same
 * create, and the run-rate shows $1.00/mo more. Then a crossing of 80 % raises a budget alert:
 * a notice on the cost page and a mail to the owner.
 */
const DEMO = { email: 'demo@atrium.local', password: 'atrium-demo-password' };

async function signIn(page: Page) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(DEMO.email);
  await page.getByLabel('Password').fill(DEMO.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/signin/);
}

function loadBalancer(name: string): V1Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } };
}

/** What the API server answered a create: the object, or its refusal (status and message). */
async function attempt(call: Promise<V1Service>): Promise<{ created: string } | { code: number; message: string }> {
  try {
    return { created: (await call).metadata?.name ?? '' };
  } catch (e) {
    if (e instanceof ApiException) return { code: e.code, message: (JSON.parse(String(e.body)) as { message: string }).message };
    throw e;
  }
}

/** "$1.50/mo" → 150 (cents); the amounts in this flow are whole cents. */
function cents(display: string): number {
  const m = /^\$(\d+)\.(\d\d)\/mo$/.exec(display.trim());
  if (!m) throw new Error(`not a whole-cent monthly amount: ${display}`);
  return Number(m[1]) * 100 + Number(m[2]);
}
const monthly = (c: number) => `$${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}/mo`;

/** Opens the budget editor of team platform, types an amount and returns the editor's row. */
async function typeTeamBudget(page: Page, amount: string): Promise<Locator> {
  const row = page.getByTestId('budget-team-platform');
  await row.getByRole('button', { name: 'Edit the budget of team platform' }).click();
  await row.getByLabel('$ / month').fill(amount);
  return row;
}

test('a LoadBalancer over the team budget is refused with the numbers; raising the budget in the console admits it', async ({ page }) => {
  test.setTimeout(180_000);
  const name = `cost-${Date.now().toString(36)}`;
  let core: CoreV1Api;
  let teamPage = '';
  let before = 0;

  await test.step('request a cluster in team platform and download its kubeconfig', async () => {
    await signIn(page);
    await page.goto('/o/demo/clusters');
    const form = page.getByRole('form', { name: 'Request a cluster' });
    if (!(await form.isVisible())) await page.getByRole('button', { name: 'Request a cluster' }).click();
    await form.getByLabel('Cluster name').fill(name);
    await form.getByLabel('Team').selectOption({ label: 'Platform (platform)' });
    await form.getByLabel('Template').selectOption('standard');
    await form.getByRole('button', { name: 'Request cluster' }).click();
    await expect(page.getByRole('heading', { name }).getByTestId('phase')).toHaveText('Ready', { timeout: 30_000 });
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download kubeconfig' }).click();
    const file = await (await downloading).path();
    const kc = new KubeConfig();
    kc.loadFromFile(file);
    core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'shop' } } });
  });

  await test.step('set the team budget to $0.50 in the tree, its effect shown before saving', async () => {
    await page.goto('/o/demo/cost');
    const row = page.getByTestId('budget-team-platform');
    before = cents((await row.getByTestId('run-rate').textContent()) ?? '');
    expect(before).toBeLessThan(50);
    await typeTeamBudget(page, '0.50');
    await expect(row.getByTestId('budget-effect')).toHaveText(`team platform commits ${monthly(before)}: ${monthly(50 - before)} of headroom.`);
    await row.getByRole('button', { name: 'Save' }).click();
    await expect(row.getByRole('button', { name: 'Edit the budget of team platform' })).toBeVisible();
    await expect(row).toContainText('$0.50/mo');
  });

  const refusal = `Service shop/web (LoadBalancer) adds $1.00/mo; team platform budget $0.50/mo has ${monthly(before)} committed`;
  await test.step('client-node creates a LoadBalancer Service: refused at admission, naming the team budget', async () => {
    expect(await attempt(core.createNamespacedService({ namespace: 'shop', body: loadBalancer('web') }))).toEqual({ code: 403, message: refusal });
  });

  await test.step("the team's cost page shows who was refused and why, and the headroom", async () => {
    await page.goto('/o/demo/cost');
    await page.getByTestId('budget-team-platform').getByRole('link', { name: 'platform' }).click();
    await expect(page).toHaveURL(/\/o\/demo\/cost\/teams\/[A-Za-z0-9_-]+$/);
    teamPage = page.url();
    await expect(page.getByRole('heading', { name: 'Cost of team platform' })).toBeVisible();
    await expect(page.getByTestId('cost-budget')).toHaveText('$0.50/mo');
    await expect(page.getByTestId('cost-headroom')).toHaveText(monthly(50 - before));
    const denial = page.getByTestId('budget-denial').first();
    await expect(denial).toContainText(refusal);
    await expect(denial).toContainText(DEMO.email);
    await expect(denial).toContainText(`platform/${name}`);
    await expect(page.getByTestId('run-rate-chart')).toBeVisible();
  });

  await test.step('raise the budget to $5.00 in the tree: the same create is admitted', async () => {
    const row = await typeTeamBudget(page, '5.00');
    await expect(row.getByTestId('budget-effect')).toHaveText(`team platform commits ${monthly(before)}: ${monthly(500 - before)} of headroom.`);
    await row.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('cost-budget')).toHaveText('$5.00/mo');
    expect(await attempt(core.createNamespacedService({ namespace: 'shop', body: loadBalancer('web') }))).toEqual({ created: 'web' });
  });

  await test.step('the run-rate shows $1.00/mo more, with the Service in the breakdown and the cluster list', async () => {
    await page.goto(teamPage);
    await expect(page.getByTestId('cost-run-rate')).toHaveText(monthly(before + 100));
    await expect(page.getByTestId(`budget-cluster-${name}`).getByTestId('run-rate')).toHaveText('$1.00/mo');
    await expect(page.getByRole('table', { name: 'By kind' }).getByRole('row', { name: /Service/ })).toContainText('$1.00/mo');
    await page.goto('/o/demo/clusters');
    // The cluster's own budget is its template's default, $20.00.
    await expect(page.getByTestId(`cluster-platform-${name}`).getByTestId('cluster-cost')).toHaveText('$1.00/mo · 5 % of $20.00/mo');
  });

  await test.step('lowering the budget below the run-rate: the effect is shown before saving, and nothing is saved on cancel', async () => {
    await page.goto(teamPage);
    const row = await typeTeamBudget(page, '0.50');
    const effect = row.getByTestId('budget-effect');
    await expect(effect).toContainText(`team platform already commits ${monthly(before + 100)}: only changes that lower cost will be admitted.`);
    await expect(effect).toContainText(`1 cluster already exceeds this: ${name}.`);
    await row.getByRole('button', { name: 'Cancel' }).click();
    await page.reload();
    await expect(page.getByTestId('cost-budget')).toHaveText('$5.00/mo');
  });

  await test.step('crossing 80 % raises a budget alert: a notice on the cost page and a mail', async () => {
    const row = await typeTeamBudget(page, '2.50');
    await row.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('cost-budget')).toHaveText('$2.50/mo');
    // $2.00 of $2.50 (with nothing else running in the team): the crossing of 80 %.
    expect(before).toBe(0);
    expect(await attempt(core.createNamespacedService({ namespace: 'shop', body: loadBalancer('web2') }))).toEqual({ created: 'web2' });
    await page.reload();
    const notice = page.getByTestId('budget-alert-notice');
    await expect(notice).toContainText('team platform reached 80% of its $2.50/mo budget ($2.00/mo committed)');
    await waitForMail(DEMO.email, /^Budget alert: team platform at 80% of \$2\.50\/mo$/);
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await expect(notice).toHaveCount(0);
    await page.reload();
    await expect(page.getByRole('table', { name: 'Alerts' })).toContainText('team platform reached 80%');
    await expect(page.getByTestId('budget-alert-notice')).toHaveCount(0);
  });

  await test.step('clean up: the Services go, and the team has no budget again', async () => {
    await core.deleteNamespacedService({ name: 'web', namespace: 'shop' });
    await core.deleteNamespacedService({ name: 'web2', namespace: 'shop' });
    const row = await typeTeamBudget(page, '');
    await row.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('cost-budget')).toHaveText('no budget');
    await page.reload();
    await expect(page.getByTestId('cost-run-rate')).toHaveText(monthly(before));
  });
});
