import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, type Page, test } from '@playwright/test';
import { kubeTools } from '../infra/test/kube-tools.js';

/**
 * Main flow 2 of the product, in a real browser against `npm start`: the seeded demo user
 * requests a cluster from template `standard` in team `platform`, watches it become Ready,
 * downloads the kubeconfig and uses it with the real kubectl v1.35, then deletes the cluster
 * with typed confirmation and watches it reach Deleted. A denial shows the rule that denies.
 */
const run = promisify(execFile);
const DEMO = { email: 'demo@atrium.local', password: 'atrium-demo-password' };

async function signIn(page: Page) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(DEMO.email);
  await page.getByLabel('Password').fill(DEMO.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/signin/);
}

async function openRequestForm(page: Page) {
  await page.goto('/o/demo/clusters');
  const form = page.getByRole('form', { name: 'Request a cluster' });
  if (!(await form.isVisible())) await page.getByRole('button', { name: 'Request a cluster' }).click();
  await expect(form).toBeVisible();
  return form;
}

test('a denied request names the rule and where it is defined', async ({ page }) => {
  await signIn(page);
  const form = await openRequestForm(page);
  await form.getByLabel('Cluster name').fill(`denied-${Date.now().toString(36)}`);
  await form.getByLabel('Team').selectOption({ label: 'Platform (platform)' });
  await form.getByLabel('Template').selectOption('production');
  await form.getByRole('checkbox', { name: /US East/ }).check();
  await form.getByRole('button', { name: 'Request cluster' }).click();
  await expect(form.getByTestId('request-error')).toContainText('region `us-east` is not allowed by template `production` (allowed: `eu-west`)');
  // Inline validation before anything is sent.
  await form.getByLabel('Cluster name').fill('Not_A_Name');
  await expect(form.getByText('Use lower-case letters, digits and “-”')).toBeVisible();
});

test('request a cluster, watch it become Ready, use it with kubectl, delete it', async ({ page }) => {
  test.setTimeout(120_000);
  const name = `e2e-${Date.now().toString(36)}`;
  const { kubectl } = kubeTools();

  await test.step('sign in as the demo user', async () => {
    await signIn(page);
    await page.getByRole('navigation', { name: 'Organisation' }).getByRole('link', { name: 'Clusters' }).click();
    await expect(page).toHaveURL(/\/o\/demo\/clusters$/);
  });

  await test.step('request a cluster from template standard in team platform', async () => {
    const form = await openRequestForm(page);
    await form.getByLabel('Cluster name').fill(name);
    await form.getByLabel('Team').selectOption({ label: 'Platform (platform)' });
    await form.getByLabel('Template').selectOption('standard');
    await expect(form.getByRole('checkbox', { name: /EU West/ })).toBeChecked();
    await form.getByLabel('Labels (optional)').fill('env=e2e');
    await form.getByRole('button', { name: 'Request cluster' }).click();
    await expect(page).toHaveURL(/\/o\/demo\/clusters\/[A-Za-z0-9_-]+$/);
    await expect(page.getByRole('heading', { name })).toBeVisible();
    await expect(page.getByText(`root:demo:platform:${name}`)).toBeVisible();
  });

  await test.step('live progress until Ready, without reloading the page', async () => {
    // A marker on the window survives only if the page updates itself (polling), not by navigation.
    await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
    await expect(page.getByRole('heading', { name }).getByTestId('phase')).toHaveText('Ready', { timeout: 30_000 });
    await expect(page.getByRole('button', { name: 'Download kubeconfig' })).toBeVisible();
    expect(await page.evaluate(() => (window as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  });

  await test.step("the backend's Workspace conditions and the worker's Events show on the page, live", async () => {
    const backend = page.getByTestId('backend-workspace');
    await expect(backend.getByRole('table', { name: 'Conditions' }).getByRole('row', { name: /WorkspaceInitialized\s+True/ })).toBeVisible();
    const events = backend.getByRole('table', { name: 'Events' });
    // The worker records each step on the cluster's Workspace; the page polls for them without a reload.
    const ready = events.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Ready', exact: true }) });
    await expect(ready).toContainText(`logical cluster`);
    await expect(events.getByRole('cell', { name: 'WorkspaceCreated', exact: true })).toBeVisible();
    await expect(events.getByRole('row').filter({ hasText: 'WorkspaceCreated' })).toContainText('of type root:atrium-standard');
    await expect(events.getByRole('cell', { name: 'RBACBound', exact: true })).toBeVisible();
    await expect(events.getByRole('cell', { name: 'DefaultsApplied', exact: true })).toBeVisible();
    expect(await page.evaluate(() => (window as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  });

  let kubeconfig = '';
  await test.step('download the kubeconfig', async () => {
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download kubeconfig' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(`demo-platform-${name}.kubeconfig`);
    kubeconfig = (await download.path()) ?? '';
    expect(kubeconfig).not.toBe('');
    await expect(page.getByTestId('kubectl-snippet')).toContainText('kubectl get ns');
  });

  await test.step('real kubectl works against the cluster with it', async () => {
    const k = (...args: string[]) => run(kubectl, ['--kubeconfig', kubeconfig, ...args], { timeout: 30_000 });
    const ctx = await k('config', 'current-context');
    expect(ctx.stdout.trim()).toBe(`demo/platform/${name}`);
    await k('get', 'ns');
    await k('create', 'namespace', 'e2e');
    await k('-n', 'e2e', 'create', 'configmap', 'settings', '--from-literal=greeting=hello');
    expect((await k('-n', 'e2e', 'get', 'configmap', 'settings', '-o', 'jsonpath={.data.greeting}')).stdout).toBe('hello');
    expect((await k('get', 'ns', '-o', 'name')).stdout).toContain('namespace/e2e');
    // The commands people type: typed creates (protobuf bodies), server-side apply, delete -f with its namespace.
    await k('-n', 'e2e', 'create', 'deployment', 'web', '--image=nginx', '--replicas=2');
    expect((await k('-n', 'e2e', 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}')).stdout).toBe('2');
    await k('-n', 'e2e', 'create', 'service', 'clusterip', 'web', '--tcp=80:8080');
    const manifest = path.join(path.dirname(kubeconfig), 'app.yaml');
    fs.writeFileSync(
      manifest,
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: app}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: conf, namespace: app}\ndata: {mode: fast}\n',
    );
    await k('apply', '--server-side', '-f', manifest);
    expect((await k('-n', 'app', 'get', 'configmap', 'conf', '-o', 'jsonpath={.data.mode}')).stdout).toBe('fast');
    const deleted = await k('delete', '-f', manifest);
    expect(deleted.stdout).toContain('configmap "conf" deleted');
    expect((await k('get', 'ns', '-o', 'name')).stdout).not.toContain('namespace/app');
  });

  await test.step('revoke the token on the cluster page: kubectl is locked out at once', async () => {
    const tokens = page.getByRole('table', { name: 'Kubeconfig tokens' });
    await expect(tokens.getByText('active')).toHaveCount(1);
    await tokens.getByRole('button', { name: 'Revoke' }).click();
    await expect(tokens.getByText(/^revoked /)).toBeVisible();
    const result = await run(kubectl, ['--kubeconfig', kubeconfig, 'get', 'ns'], { timeout: 30_000 }).then(
      () => 'succeeded',
      (e: { stderr?: string }) => e.stderr ?? 'failed',
    );
    expect(result).toMatch(/Unauthorized/);
  });

  await test.step('delete with typed confirmation, until Deleted', async () => {
    await page.getByRole('button', { name: 'Delete cluster…' }).click();
    const confirm = page.getByRole('button', { name: `Delete ${name}` });
    await expect(confirm).toBeDisabled();
    await page.getByLabel(`Type ${name} to confirm`).fill(name.slice(0, -1));
    await expect(confirm).toBeDisabled();
    await page.getByLabel(`Type ${name} to confirm`).fill(name);
    await confirm.click();
    await expect(page.getByRole('heading', { name }).getByTestId('phase')).toHaveText('Deleted', { timeout: 30_000 });
    const events = page.getByTestId('backend-workspace').getByRole('table', { name: 'Events' });
    await expect(events.getByRole('cell', { name: 'DeletionStarted', exact: true })).toBeVisible();
    await expect(events.getByRole('cell', { name: 'Deleted', exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Download kubeconfig' })).toHaveCount(0);
  });

  await test.step('the token of a deleted cluster reads nothing', async () => {
    const result = await run(kubectl, ['--kubeconfig', kubeconfig, 'get', 'ns'], { timeout: 30_000 }).then(
      () => 'succeeded',
      (e: { stderr?: string }) => e.stderr ?? 'failed',
    );
    expect(result).not.toBe('succeeded');
  });
});
