import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../auth/authn.js';
import { adminKubeconfig } from '../kubeconfig.js';
import { ADMIN_TOKEN, kubectl, kubectlBinary, startTestServer, type TestServer } from './harness.js';

/**
 * The built-in kinds served besides the workloads: PodDisruptionBudget,
 * PriorityClass, Lease, IngressClass, EndpointSlice and Endpoints, over HTTP
 * and through the real kubectl v1.35.
 */

let t: TestServer;
let dir: string;
let admin: string;

const CLUSTER = 'root:kinds';
const C = `/clusters/${CLUSTER}`;

beforeAll(async () => {
  [t] = await Promise.all([startTestServer(), kubectlBinary()]);
  await t.server.clusters.create(CLUSTER);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-kinds-test-'));
  admin = path.join(dir, 'admin.kubeconfig');
  fs.writeFileSync(admin, adminKubeconfig(t.server.httpsUrl!, ADMIN_TOKEN, { caPem: t.server.caPem!, paths: [CLUSTER] }));
});
afterAll(async () => {
  await t?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
async function call(method: string, urlPath: string, body?: unknown, contentType?: string, token?: string): Promise<{ status: number; body: any }> {
  const res = await t.request(method, urlPath, {
    ...(body !== undefined ? { body } : {}),
    ...(contentType ? { contentType } : {}),
    ...(token ? { token } : {}),
  });
  return { status: res.status, body: await res.json() };
}

interface Case {
  kind: string;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  shortNames: string[];
  /** A valid object named `name`. */
  valid(name: string): Record<string, unknown>;
  /** What the server adds on create. */
  defaulted?: Record<string, unknown>;
  /** A merge patch and what the object looks like after it. */
  patch: [Record<string, unknown>, Record<string, unknown>];
  /** An invalid object and the cause the 422 must carry. */
  invalid: [Record<string, unknown>, string, string];
  status?: boolean;
}

const meta = (name: string) => ({ name });
const cases: Case[] = [
  {
    kind: 'PodDisruptionBudget',
    group: 'policy',
    version: 'v1',
    plural: 'poddisruptionbudgets',
    namespaced: true,
    shortNames: ['pdb'],
    status: true,
    valid: (name) => ({ metadata: meta(name), spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } }),
    patch: [{ spec: { minAvailable: '50%' } }, { spec: { minAvailable: '50%' } }],
    invalid: [
      { metadata: meta('bad'), spec: { minAvailable: 1, maxUnavailable: 1 } },
      'spec',
      'Invalid value: {"minAvailable":1,"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set',
    ],
  },
  {
    kind: 'PriorityClass',
    group: 'scheduling.k8s.io',
    version: 'v1',
    plural: 'priorityclasses',
    namespaced: false,
    shortNames: ['pc'],
    valid: (name) => ({ metadata: meta(name), value: 1000, description: 'important' }),
    defaulted: { preemptionPolicy: 'PreemptLowerPriority' },
    patch: [{ description: 'very important' }, { description: 'very important', value: 1000 }],
    invalid: [{ metadata: meta('bad'), value: 1_000_000_001 }, 'value', 'Forbidden: maximum allowed value of a user defined priority is 1000000000'],
  },
  {
    kind: 'Lease',
    group: 'coordination.k8s.io',
    version: 'v1',
    plural: 'leases',
    namespaced: true,
    shortNames: [],
    valid: (name) => ({ metadata: meta(name), spec: { holderIdentity: 'node-1', leaseDurationSeconds: 15 } }),
    patch: [{ spec: { holderIdentity: 'node-2' } }, { spec: { holderIdentity: 'node-2', leaseDurationSeconds: 15 } }],
    invalid: [{ metadata: meta('bad'), spec: { leaseDurationSeconds: 0 } }, 'spec.leaseDurationSeconds', 'Invalid value: 0: must be greater than 0'],
  },
  {
    kind: 'IngressClass',
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'ingressclasses',
    namespaced: false,
    shortNames: [],
    valid: (name) => ({
      metadata: meta(name),
      spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'lb' } },
    }),
    defaulted: { spec: { parameters: { scope: 'Cluster' } } },
    patch: [{ metadata: { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } }, { spec: { controller: 'k8s.io/ingress-nginx' } }],
    invalid: [
      { metadata: meta('bad'), spec: { controller: 'nginx' } },
      'spec.controller',
      'Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")',
    ],
  },
  {
    kind: 'EndpointSlice',
    group: 'discovery.k8s.io',
    version: 'v1',
    plural: 'endpointslices',
    namespaced: true,
    shortNames: [],
    valid: (name) => ({ metadata: meta(name), addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ name: 'http', port: 80 }] }),
    defaulted: { ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
    patch: [{ endpoints: [{ addresses: ['10.0.0.2'] }] }, { endpoints: [{ addresses: ['10.0.0.2'] }] }],
    invalid: [{ metadata: meta('bad'), addressType: 'IPv5' }, 'addressType', 'Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"'],
  },
  {
    kind: 'Endpoints',
    group: '',
    version: 'v1',
    plural: 'endpoints',
    namespaced: true,
    shortNames: ['ep'],
    valid: (name) => ({ metadata: meta(name), subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] }),
    defaulted: { subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80, protocol: 'TCP' }] }] },
    patch: [{ metadata: { labels: { app: 'web' } } }, { metadata: { labels: { app: 'web' } } }],
    invalid: [
      { metadata: meta('bad'), subsets: [{ addresses: [{ ip: '127.0.0.1' }] }] },
      'subsets[0].addresses[0].ip',
      'Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    ],
  },
];

const apiVersion = (c: Case) => (c.group ? `${c.group}/${c.version}` : c.version);
const base = (c: Case) => `${C}${c.group ? `/apis/${c.group}` : '/api'}/${c.version}${c.namespaced ? '/namespaces/default' : ''}/${c.plural}`;
const full = (c: Case, name: string) => ({ apiVersion: apiVersion(c), kind: c.kind, ...c.valid(name) });

describe.each(cases)('$kind over HTTP', (c) => {
  it('creates with defaults, gets, lists, patches and deletes', async () => {
    const created = await call('POST', base(c), full(c, 'one'));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ apiVersion: apiVersion(c), kind: c.kind, metadata: { name: 'one' } });
    if (c.namespaced) expect(created.body.metadata.namespace).toBe('default');
    else expect(created.body.metadata.namespace).toBeUndefined();
    if (c.defaulted) expect(created.body).toMatchObject(c.defaulted);

    const got = await call('GET', `${base(c)}/one`);
    expect(got.status).toBe(200);
    expect(got.body.metadata.uid).toBe(created.body.metadata.uid);

    const listed = await call('GET', base(c));
    expect(listed.body.kind).toBe(`${c.kind}List`);
    expect(listed.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['one']);

    const patched = await call('PATCH', `${base(c)}/one`, c.patch[0], 'application/merge-patch+json');
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject(c.patch[1]);

    // A patch is validated like a create.
    const badPatch = await call('PATCH', `${base(c)}/one`, { ...c.invalid[0], metadata: {} }, 'application/merge-patch+json');
    expect(badPatch.status, JSON.stringify(badPatch.body)).toBe(422);

    expect((await call('DELETE', `${base(c)}/one`)).status).toBe(200);
    expect((await call('GET', `${base(c)}/one`)).status).toBe(404);
  });

  it('answers 422 Invalid with the field cause', async () => {
    const [obj, field, message] = c.invalid;
    const r = await call('POST', base(c), { apiVersion: apiVersion(c), kind: c.kind, ...obj });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'Invalid', details: { name: 'bad', group: c.group, kind: c.kind } });
    expect(r.body.details.causes).toContainEqual(expect.objectContaining({ field, message }));
    expect(r.body.message).toContain(`${field}: ${message}`);
    expect((await call('GET', `${base(c)}/bad`)).status).toBe(404);
  });

  it('is listed in discovery', async () => {
    if (c.group) {
      const groups = await call('GET', `${C}/apis`);
      const group = groups.body.groups.find((g: { name: string }) => g.name === c.group);
      expect(group?.preferredVersion).toEqual({ groupVersion: apiVersion(c), version: c.version });
    }
    const list = await call('GET', c.group ? `${C}/apis/${apiVersion(c)}` : `${C}/api/v1`);
    const resource = list.body.resources.find((r: { name: string }) => r.name === c.plural);
    expect(resource).toMatchObject({ kind: c.kind, namespaced: c.namespaced, verbs: expect.arrayContaining(['create', 'list', 'watch', 'patch']) });
    expect(resource.shortNames ?? []).toEqual(c.shortNames);
    const names = list.body.resources.map((r: { name: string }) => r.name);
    if (c.status) expect(names).toContain(`${c.plural}/status`);
    else expect(names).not.toContain(`${c.plural}/status`);
  });
});

describe('kind-specific semantics', () => {
  it('PodDisruptionBudget: /status takes the disruption controller’s counters, the main endpoint ignores them', async () => {
    const pdbs = base(cases[0]!);
    expect((await call('POST', pdbs, full(cases[0]!, 'st'))).status).toBe(201);
    const ignored = await call('PATCH', `${pdbs}/st`, { status: { disruptionsAllowed: 3 } }, 'application/merge-patch+json');
    expect(ignored.body.status?.disruptionsAllowed).toBeUndefined();
    const status = await call(
      'PATCH',
      `${pdbs}/st/status`,
      { status: { disruptionsAllowed: 2, currentHealthy: 3, desiredHealthy: 1, expectedPods: 3 } },
      'application/merge-patch+json',
    );
    expect(status.status).toBe(200);
    expect(status.body.status).toMatchObject({ disruptionsAllowed: 2 });
    const bad = await call('PATCH', `${pdbs}/st/status`, { status: { disruptionsAllowed: -1 } }, 'application/merge-patch+json');
    expect(bad.status).toBe(422);
    expect(bad.body.message).toContain('status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0');
    // policy/v1 accepts a budget with neither bound, as Kubernetes does.
    expect((await call('POST', pdbs, { ...full(cases[0]!, 'open'), spec: { selector: {} } })).status).toBe(201);
  });

  it('PriorityClass: the system- prefix is reserved and a value is required', async () => {
    const pcs = base(cases[1]!);
    const reserved = await call('POST', pcs, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-mine' }, value: 1 });
    expect(reserved.status).toBe(422);
    expect(reserved.body.details.causes[0]).toMatchObject({ field: 'metadata.name' });
    const missing = await call('POST', pcs, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'novalue' } });
    expect(missing.body.details.causes).toContainEqual(expect.objectContaining({ field: 'value', message: 'Required value' }));
  });

  it('view reads PDBs, EndpointSlices and Endpoints; edit writes PDBs but not Endpoints; neither touches Leases or PriorityClasses', async () => {
    const viewer = await createToken(t.server.pool, { username: 'viewer', clusters: [CLUSTER] });
    const editor = await createToken(t.server.pool, { username: 'editor', clusters: [CLUSTER] });
    const binding = (user: string, role: string) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `${user}-${role}`, namespace: 'default' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
    });
    const rbs = `${C}/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings`;
    expect((await call('POST', rbs, binding('viewer', 'view'))).status).toBe(201);
    expect((await call('POST', rbs, binding('editor', 'edit'))).status).toBe(201);
    const [pdb, , lease, , slice, ep] = cases as [Case, Case, Case, Case, Case, Case];
    for (const c of [pdb, slice, ep]) expect((await call('GET', base(c), undefined, undefined, viewer)).status, c.kind).toBe(200);
    expect((await call('GET', base(lease), undefined, undefined, viewer)).status).toBe(403);
    expect((await call('POST', base(pdb), full(pdb, 'v'), undefined, viewer)).status).toBe(403);
    expect((await call('POST', base(pdb), full(pdb, 'e'), undefined, editor)).status).toBe(201);
    expect((await call('GET', base(slice), undefined, undefined, editor)).status).toBe(200);
    expect((await call('POST', base(ep), full(ep, 'e'), undefined, editor)).status).toBe(403);
    expect((await call('POST', base(lease), full(lease, 'e'), undefined, editor)).status).toBe(403);
  });
});

describe('the new kinds with real kubectl v1.35', () => {
  const manifest = `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web-pdb
  namespace: default
spec:
  maxUnavailable: 25%
  selector:
    matchLabels:
      app: web
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: batch-low
value: 100
globalDefault: false
preemptionPolicy: Never
description: batch jobs
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: leader
  namespace: default
spec:
  holderIdentity: node-1
  leaseDurationSeconds: 15
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
spec:
  controller: k8s.io/ingress-nginx
  parameters:
    apiGroup: k8s.example.com
    kind: IngressParameters
    name: external-lb
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-web
  namespace: default
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes: [Ingress]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-abc
  namespace: default
addressType: IPv4
ports:
- name: http
  port: 80
endpoints:
- addresses: [10.0.0.1]
- addresses: [10.0.0.2]
---
apiVersion: v1
kind: Endpoints
metadata:
  name: web
  namespace: default
subsets:
- addresses:
  - ip: 10.0.0.1
  - ip: 10.0.0.2
  ports:
  - port: 8080
`;

  it('applies every kind, prints kube-apiserver’s columns, and deletes them', async () => {
    const file = path.join(dir, 'kinds.yaml');
    fs.writeFileSync(file, manifest);
    const resources = await kubectl(admin, ['api-resources']);
    expect(resources.code, resources.stderr).toBe(0);
    expect(resources.stdout).toMatch(/poddisruptionbudgets\s+pdb\s+policy\/v1\s+true\s+PodDisruptionBudget/);
    expect(resources.stdout).toMatch(/priorityclasses\s+pc\s+scheduling\.k8s\.io\/v1\s+false\s+PriorityClass/);
    expect(resources.stdout).toMatch(/leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease/);
    expect(resources.stdout).toMatch(/ingressclasses\s+networking\.k8s\.io\/v1\s+false\s+IngressClass/);
    expect(resources.stdout).toMatch(/endpointslices\s+discovery\.k8s\.io\/v1\s+true\s+EndpointSlice/);
    expect(resources.stdout).toMatch(/endpoints\s+ep\s+v1\s+true\s+Endpoints/);

    const applied = await kubectl(admin, ['apply', '-f', file]);
    expect(applied.code, applied.stderr).toBe(0);
    for (const line of [
      'poddisruptionbudget.policy/web-pdb created',
      'priorityclass.scheduling.k8s.io/batch-low created',
      'lease.coordination.k8s.io/leader created',
      'ingressclass.networking.k8s.io/nginx created',
      'networkpolicy.networking.k8s.io/deny-web created',
      'endpointslice.discovery.k8s.io/web-abc created',
      'endpoints/web created',
    ]) {
      expect(applied.stdout).toContain(line);
    }
    const again = await kubectl(admin, ['apply', '-f', file]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('priorityclass.scheduling.k8s.io/batch-low unchanged');

    const tables: [string[], RegExp, RegExp][] = [
      [['get', 'pdb'], /NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE/, /web-pdb\s+N\/A\s+25%\s+0\s+\d+s/],
      [['get', 'pc', 'batch-low'], /NAME\s+VALUE\s+GLOBAL-DEFAULT\s+AGE\s+PREEMPTIONPOLICY/, /batch-low\s+100\s+false\s+\d+s\s+Never/],
      [['get', 'leases'], /NAME\s+HOLDER\s+AGE/, /leader\s+node-1\s+\d+s/],
      [
        ['get', 'ingressclass'],
        /NAME\s+CONTROLLER\s+PARAMETERS\s+AGE/,
        /nginx\s+k8s\.io\/ingress-nginx\s+IngressParameters\.k8s\.example\.com\/external-lb\s+\d+s/,
      ],
      [['get', 'networkpolicy'], /NAME\s+POD-SELECTOR\s+AGE/, /deny-web\s+app=web\s+\d+s/],
      [['get', 'endpointslices'], /NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE/, /web-abc\s+IPv4\s+80\s+10\.0\.0\.1,10\.0\.0\.2\s+\d+s/],
      [['get', 'ep'], /NAME\s+ENDPOINTS\s+AGE/, /web\s+10\.0\.0\.1:8080,10\.0\.0\.2:8080\s+\d+s/],
    ];
    for (const [args, header, row] of tables) {
      const r = await kubectl(admin, args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout, args.join(' ')).toMatch(header);
      expect(r.stdout, args.join(' ')).toMatch(row);
    }

    const value = await kubectl(admin, ['get', 'pc', 'batch-low', '-o', 'jsonpath={.value} {.preemptionPolicy}']);
    expect(value.stdout).toBe('100 Never');
    const scope = await kubectl(admin, ['get', 'ingressclass', 'nginx', '-o', 'jsonpath={.spec.parameters.scope}']);
    expect(scope.stdout).toBe('Cluster');

    fs.writeFileSync(file, manifest.replace('maxUnavailable: 25%', 'maxUnavailable: 25%\n  minAvailable: 1'));
    const invalid = await kubectl(admin, ['apply', '-f', file]);
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('minAvailable and maxUnavailable cannot be both set');

    fs.writeFileSync(file, manifest);
    const deleted = await kubectl(admin, ['delete', '-f', file]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain('priorityclass.scheduling.k8s.io "batch-low" deleted');
    expect((await kubectl(admin, ['get', 'pdb', 'web-pdb'])).code).not.toBe(0);
  });

  // These typed commands send protobuf, which http/protobuf.ts does not decode for these kinds (415): the
  // objects they build are applied as JSON instead, so what kubectl generates is what is checked.
  it('kubectl create priorityclass / poddisruptionbudget: their objects, applied', async () => {
    const commands: [string[], string, RegExp][] = [
      [
        ['create', 'priorityclass', 'high', '--value=1000'],
        'priorityclass.scheduling.k8s.io/high created',
        /high\s+1000\s+false\s+\d+s\s+PreemptLowerPriority/,
      ],
      [
        ['create', 'poddisruptionbudget', 'web', '--selector=app=web', '--min-available=1'],
        'poddisruptionbudget.policy/web created',
        /web\s+1\s+N\/A\s+0\s+\d+s/,
      ],
    ];
    for (const [args, created, row] of commands) {
      const typed = await kubectl(admin, args);
      if (typed.code === 0) expect(typed.stdout).toContain(created);
      else {
        expect(typed.stderr).toContain('application/vnd.kubernetes.protobuf');
        const generated = await kubectl(admin, [...args, '--dry-run=client', '-o', 'yaml']);
        expect(generated.code, generated.stderr).toBe(0);
        const applied = await kubectl(admin, ['apply', '-f', '-'], generated.stdout);
        expect(applied.code, applied.stderr).toBe(0);
        expect(applied.stdout).toContain(created);
      }
      const table = await kubectl(admin, ['get', args[1]!, args[2]!]);
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout).toMatch(row);
    }
    const pdb = await kubectl(admin, ['get', 'pdb', 'web', '-o', 'jsonpath={.spec.selector.matchLabels.app} {.spec.minAvailable}']);
    expect(pdb.stdout).toBe('web 1');
  });
});
