/**
 * Platform guardrails with the real kubectl v1.35, as a tenant who is cluster-admin of its logical
 * cluster the way the worker makes every team member one (a ClusterRoleBinding to a group the tenant's
 * token carries). The guardrail objects are written first by the system-admin identity, as the worker does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GUARDRAIL_LABEL } from '@atrium/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../auth/authn.js';
import { adminKubeconfig } from '../kubeconfig.js';
import { ADMIN_TOKEN, kubectl, kubectlBinary, startTestServer, type TestServer } from './harness.js';

const CLUSTER = 'root:acme:dev';
const GROUP = 'atrium:team:payments';

let t: TestServer;
let dir: string;
let admin: string;
let tenant: string;
let tenantToken: string;

const guardedMessage = (what: string, policy: string, alternative: string) =>
  `${what} is forbidden: it is a guardrail of org acme (policy "${policy}"), managed by the platform; tenants cannot change or delete it. ${alternative}`;
const LIMIT_RANGE_REFUSED = guardedMessage('limitranges "atrium-defaults"', 'default-requests', 'Add a LimitRange or ResourceQuota of your own instead.');
const BINDING_REFUSED = guardedMessage(
  'clusterrolebindings "atrium:members"',
  'member-access',
  'Create a RoleBinding or ClusterRoleBinding of your own instead.',
);

const guardrailLimitRange = (cpu = '100m') => `apiVersion: v1
kind: LimitRange
metadata:
  name: atrium-defaults
  namespace: default
  labels: {app.kubernetes.io/managed-by: atrium-worker, ${GUARDRAIL_LABEL}: default-requests}
spec:
  limits:
  - type: Container
    defaultRequest: {cpu: ${cpu}, memory: 128Mi}
`;
const membersBinding = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: atrium:members
  labels: {app.kubernetes.io/managed-by: atrium-worker, ${GUARDRAIL_LABEL}: member-access}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: ${GROUP}}
`;
const ownLimitRange = `apiVersion: v1
kind: LimitRange
metadata: {name: mine, namespace: default}
spec:
  limits:
  - type: Container
    defaultRequest: {cpu: 50m}
`;

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

async function expectRefused(args: string[], message: string, input?: string) {
  const r = await kubectl(tenant, args, input);
  expect(r.code, r.stdout).not.toBe(0);
  // kubectl prefixes what it was doing for apply/create from files; the server's message follows unchanged.
  expect(r.stderr).toMatch(/^Error from server \(Forbidden\): /);
  expect(r.stderr).toContain(message);
  return r;
}

/** The stored guardrail LimitRange as the admin sees it. */
async function storedDefaults(): Promise<{ metadata: { labels: Record<string, string>; resourceVersion: string }; spec?: unknown }> {
  const r = await kubectl(admin, ['-n', 'default', 'get', 'limitrange', 'atrium-defaults', '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

beforeAll(async () => {
  [t] = await Promise.all([startTestServer(), kubectlBinary()]);
  await t.server.clusters.create('root:acme');
  await t.server.clusters.create(CLUSTER);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-guardrails-test-'));
  admin = path.join(dir, 'admin.kubeconfig');
  fs.writeFileSync(admin, adminKubeconfig(t.server.httpsUrl!, ADMIN_TOKEN, { caPem: t.server.caPem!, paths: [CLUSTER] }));
  tenantToken = await createToken(t.server.pool, { username: 'dev@acme.test', groups: [GROUP], clusters: [CLUSTER] });
  tenant = path.join(dir, 'tenant.kubeconfig');
  fs.writeFileSync(tenant, adminKubeconfig(t.server.httpsUrl!, tenantToken, { caPem: t.server.caPem!, paths: [CLUSTER] }));
  for (const [name, content] of [
    ['binding.yaml', membersBinding],
    ['defaults.yaml', guardrailLimitRange()],
  ] as const) {
    const r = await kubectl(admin, ['apply', '-f', write(name, content)]);
    expect(r.code, r.stderr).toBe(0);
  }
  // RBAC caches per cluster and is invalidated from the watch hub: wait until the binding counts.
  for (const deadline = Date.now() + 5000; (await kubectl(tenant, ['auth', 'can-i', '*', '*', '--all-namespaces'])).stdout.trim() !== 'yes'; ) {
    if (Date.now() > deadline) throw new Error('the tenant never became cluster-admin');
    await new Promise((r) => setTimeout(r, 50));
  }
});
afterAll(async () => {
  await t?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('guardrails against a cluster-admin tenant (real kubectl v1.35)', () => {
  it('delete limitrange --all removes the tenant’s own LimitRange and refuses the guardrail', async () => {
    const own = await kubectl(tenant, ['apply', '-f', write('mine.yaml', ownLimitRange)]);
    expect(own.code, own.stderr).toBe(0);
    const r = await expectRefused(['delete', 'limitrange', '--all', '-n', 'default'], LIMIT_RANGE_REFUSED);
    expect(r.stdout).toContain('limitrange "mine" deleted');
    const left = await kubectl(admin, ['-n', 'default', 'get', 'limitranges', '-o', 'jsonpath={.items[*].metadata.name}']);
    expect(left.stdout).toBe('atrium-defaults');
  });

  it('refuses deleting, editing, relabelling, annotating and force-applying the guardrail LimitRange, dry run included', async () => {
    const before = await storedDefaults();
    const ns = ['-n', 'default'];
    await expectRefused([...ns, 'delete', 'limitrange', 'atrium-defaults'], LIMIT_RANGE_REFUSED);
    await expectRefused([...ns, 'delete', 'limitrange', 'atrium-defaults', '--dry-run=server'], LIMIT_RANGE_REFUSED);
    // What `kubectl edit` sends when the spec is deleted in the editor.
    await expectRefused([...ns, 'patch', 'limitrange', 'atrium-defaults', '--type=json', '-p', '[{"op":"remove","path":"/spec"}]'], LIMIT_RANGE_REFUSED);
    await expectRefused(
      [...ns, 'patch', 'limitrange', 'atrium-defaults', '--type=merge', '-p', '{"spec":{"limits":[]}}', '--dry-run=server'],
      LIMIT_RANGE_REFUSED,
    );
    await expectRefused([...ns, 'label', '--overwrite', 'limitrange', 'atrium-defaults', `${GUARDRAIL_LABEL}=none`], LIMIT_RANGE_REFUSED);
    await expectRefused([...ns, 'label', 'limitrange', 'atrium-defaults', `${GUARDRAIL_LABEL}-`], LIMIT_RANGE_REFUSED);
    await expectRefused([...ns, 'annotate', 'limitrange', 'atrium-defaults', 'note=mine'], LIMIT_RANGE_REFUSED);
    // An edit that would leave it invalid fails schema validation first (422, as kube-apiserver validates before
    // validating admission); refused and unwritten all the same.
    const invalid = await kubectl(tenant, [...ns, 'patch', 'limitrange', 'atrium-defaults', '--type=json', '-p', '[{"op":"remove","path":"/spec/limits"}]']);
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('is invalid: spec.limits: Required value');
    const changed = write('changed.yaml', guardrailLimitRange('1m'));
    await expectRefused(['apply', '--server-side', '--force-conflicts', '-f', changed], LIMIT_RANGE_REFUSED);
    await expectRefused(['apply', '-f', changed], LIMIT_RANGE_REFUSED);
    await expectRefused([...ns, 'replace', '-f', changed], LIMIT_RANGE_REFUSED);
    const after = await storedDefaults();
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.spec).toEqual(before.spec);
    // Reading it stays allowed.
    expect((await kubectl(tenant, [...ns, 'get', 'limitrange', 'atrium-defaults'])).code).toBe(0);
  });

  it('refuses a deletecollection through the API and keeps the guardrail', async () => {
    const res = await t.request('DELETE', `/clusters/${CLUSTER}/api/v1/namespaces/default/limitranges`, { token: tenantToken });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { message: string }).message).toBe(LIMIT_RANGE_REFUSED);
    expect((await storedDefaults()).metadata.labels[GUARDRAIL_LABEL]).toBe('default-requests');
  });

  it('refuses deleting or editing the members binding', async () => {
    await expectRefused(['delete', 'clusterrolebinding', 'atrium:members'], BINDING_REFUSED);
    await expectRefused(['patch', 'clusterrolebinding', 'atrium:members', '--type=json', '-p', '[{"op":"remove","path":"/subjects/0"}]'], BINDING_REFUSED);
    expect((await kubectl(tenant, ['auth', 'can-i', 'delete', 'pods', '-n', 'default'])).stdout.trim()).toBe('yes');
  });

  it('refuses guarded /status and /scale writes', async () => {
    const quota = `apiVersion: v1
kind: ResourceQuota
metadata: {name: org-quota, namespace: default, labels: {${GUARDRAIL_LABEL}: org-quota}}
spec: {hard: {pods: "50"}}
`;
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: agent, namespace: default, labels: {${GUARDRAIL_LABEL}: platform-agent}}
spec:
  replicas: 1
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: agent:1}]}
`;
    expect((await kubectl(admin, ['apply', '-f', write('guarded.yaml', `${quota}---\n${deployment}`)])).code).toBe(0);
    await expectRefused(
      ['-n', 'default', 'patch', 'resourcequota', 'org-quota', '--subresource=status', '--type=merge', '-p', '{"status":{"hard":{"pods":"500"}}}'],
      'resourcequotas "org-quota" is forbidden: it is a guardrail of org acme (policy "org-quota")',
    );
    await expectRefused(['-n', 'default', 'scale', 'deployment', 'agent', '--replicas=3'], 'deployments "agent" is forbidden: it is a guardrail of org acme');
    expect((await kubectl(admin, ['-n', 'default', 'delete', 'resourcequota/org-quota', 'deployment/agent'])).code).toBe(0);
  });

  it('reserves the label: no tenant-made guardrails', async () => {
    const reserved = (what: string) => `${what} is forbidden: the label ${GUARDRAIL_LABEL} is reserved for the platform; tenants cannot set it.`;
    const fake = ownLimitRange.replace('name: mine,', `name: fake, labels: {${GUARDRAIL_LABEL}: default-requests},`);
    await expectRefused(['apply', '-f', write('fake.yaml', fake)], reserved('limitranges "fake"'));
    await expectRefused(['create', '-f', write('fake.yaml', fake), '--dry-run=server'], reserved('limitranges "fake"'));
    expect((await kubectl(tenant, ['apply', '-f', write('mine.yaml', ownLimitRange)])).code).toBe(0);
    await expectRefused(['-n', 'default', 'label', 'limitrange', 'mine', `${GUARDRAIL_LABEL}=default-requests`], reserved('limitranges "mine"'));
    expect((await kubectl(tenant, ['-n', 'default', 'delete', 'limitrange', 'mine'])).code).toBe(0);
  });

  it('leaves the tenant’s own ResourceQuota alone: create, patch, delete', async () => {
    const ns = ['-n', 'default'];
    // `kubectl create quota` would send protobuf, which is not decoded for ResourceQuotas: apply JSON/YAML.
    const quota = 'apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: team-quota, namespace: default}\nspec: {hard: {pods: "10"}}\n';
    const created = await kubectl(tenant, ['apply', '-f', write('quota.yaml', quota)]);
    expect(created.code, created.stderr).toBe(0);
    const patched = await kubectl(tenant, [...ns, 'patch', 'resourcequota', 'team-quota', '--type=merge', '-p', '{"spec":{"hard":{"pods":"20"}}}']);
    expect(patched.code, patched.stderr).toBe(0);
    const labelled = await kubectl(tenant, [...ns, 'label', 'resourcequota', 'team-quota', 'owner=payments']);
    expect(labelled.code, labelled.stderr).toBe(0);
    const hard = await kubectl(tenant, [...ns, 'get', 'resourcequota', 'team-quota', '-o', 'jsonpath={.spec.hard.pods} {.metadata.labels.owner}']);
    expect(hard.stdout).toBe('20 payments');
    const deleted = await kubectl(tenant, [...ns, 'delete', 'resourcequota', 'team-quota']);
    expect(deleted.code, deleted.stderr).toBe(0);
  });

  it('lets the system identity update and delete the guardrail objects', async () => {
    const updated = await kubectl(admin, ['apply', '--server-side', '--force-conflicts', '-f', write('changed.yaml', guardrailLimitRange('250m'))]);
    expect(updated.code, updated.stderr).toBe(0);
    expect(JSON.stringify((await storedDefaults()).spec)).toContain('250m');
    const relabelled = await kubectl(admin, ['label', '--overwrite', 'clusterrolebinding', 'atrium:members', `${GUARDRAIL_LABEL}=member-access-v2`]);
    expect(relabelled.code, relabelled.stderr).toBe(0);
    const deleted = await kubectl(admin, ['-n', 'default', 'delete', 'limitrange', 'atrium-defaults']);
    expect(deleted.code, deleted.stderr).toBe(0);
    const unbound = await kubectl(admin, ['delete', 'clusterrolebinding', 'atrium:members']);
    expect(unbound.code, unbound.stderr).toBe(0);
  });
});
