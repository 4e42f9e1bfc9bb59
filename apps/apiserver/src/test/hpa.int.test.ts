import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminKubeconfig } from '../kubeconfig.js';
import { ADMIN_TOKEN, kubectl, kubectlBinary, startTestServer, type TestServer } from './harness.js';

let t: TestServer;
let dir: string;
let admin: string;

const CLUSTER = 'root:hpa';
const BASE = `/clusters/${CLUSTER}/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers`;

beforeAll(async () => {
  [t] = await Promise.all([startTestServer(), kubectlBinary()]);
  await t.server.clusters.create(CLUSTER);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-hpa-test-'));
  admin = path.join(dir, 'admin.kubeconfig');
  fs.writeFileSync(admin, adminKubeconfig(t.server.httpsUrl!, ADMIN_TOKEN, { caPem: t.server.caPem!, paths: [CLUSTER] }));
});
afterAll(async () => {
  await t?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
async function call(method: string, urlPath: string, body?: unknown, contentType?: string): Promise<{ status: number; body: any }> {
  const res = await t.request(method, urlPath, { ...(body !== undefined ? { body } : {}), ...(contentType ? { contentType } : {}) });
  return { status: res.status, body: await res.json() };
}

function hpa(name: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5, ...spec },
  };
}

describe('HorizontalPodAutoscaler over HTTP', () => {
  it('creates with Kubernetes’ defaults, gets, lists, updates, patches, sets status and deletes', async () => {
    const created = await call('POST', BASE, hpa('web'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'default', generation: 1 },
      spec: {
        minReplicas: 1,
        maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
      },
    });
    expect(created.body.status).toBeUndefined();

    const got = await call('GET', `${BASE}/web`);
    expect(got.status).toBe(200);
    expect(got.body.spec).toEqual(created.body.spec);

    const listed = await call('GET', BASE);
    expect(listed.body).toMatchObject({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscalerList' });
    expect(listed.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['web']);

    // A PUT without minReplicas gets it defaulted again, as kube-apiserver defaults every decoded body.
    const { minReplicas: _min, ...spec } = got.body.spec;
    const updated = await call('PUT', `${BASE}/web`, { ...got.body, spec: { ...spec, maxReplicas: 8 } });
    expect(updated.status).toBe(200);
    expect(updated.body.spec).toMatchObject({ minReplicas: 1, maxReplicas: 8 });
    expect(updated.body.metadata.generation).toBe(2);

    const merged = await call('PATCH', `${BASE}/web`, { spec: { minReplicas: 2 } }, 'application/merge-patch+json');
    expect(merged.status).toBe(200);
    expect(merged.body.spec).toMatchObject({ minReplicas: 2, maxReplicas: 8 });

    const jsonPatched = await call(
      'PATCH',
      `${BASE}/web`,
      [{ op: 'replace', path: '/spec/metrics/0/resource/target/averageUtilization', value: 60 }],
      'application/json-patch+json',
    );
    expect(jsonPatched.status).toBe(200);
    expect(jsonPatched.body.spec.metrics[0].resource.target.averageUtilization).toBe(60);

    // The main endpoint ignores status; /status takes only status.
    const ignored = await call('PATCH', `${BASE}/web`, { status: { currentReplicas: 9 } }, 'application/merge-patch+json');
    expect(ignored.body.status).toBeUndefined();
    const status = await call('PATCH', `${BASE}/web/status`, { status: { currentReplicas: 3, desiredReplicas: 4 } }, 'application/merge-patch+json');
    expect(status.status).toBe(200);
    expect(status.body.status).toEqual({ currentReplicas: 3, desiredReplicas: 4 });
    const badStatus = await call('PATCH', `${BASE}/web/status`, { status: { currentReplicas: -1 } }, 'application/merge-patch+json');
    expect(badStatus.status).toBe(422);
    expect(badStatus.body.message).toContain('status.currentReplicas: Invalid value: -1: must be greater than or equal to 0');

    const table = await t.request('GET', BASE, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    const tbody = await table.json();
    expect(tbody.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
    expect(tbody.rows[0].cells.slice(0, 6)).toEqual(['web', 'Deployment/web', 'cpu: <unknown>/60%', '2', 8, 3]);

    const deleted = await call('DELETE', `${BASE}/web`);
    expect(deleted.status).toBe(200);
    expect((await call('GET', `${BASE}/web`)).status).toBe(404);
  });

  it('answers 422 Invalid with field causes, as Kubernetes words them', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ scaleTargetRef: { name: 'web' } }, 'spec.scaleTargetRef.kind', 'Required value'],
      [{ scaleTargetRef: { kind: 'Deployment', name: '' } }, 'spec.scaleTargetRef.name', 'Required value'],
      [{ maxReplicas: 0 }, 'spec.maxReplicas', 'Invalid value: 0: must be greater than 0'],
      [{ maxReplicas: 2.5 }, 'spec.maxReplicas', 'Invalid value: must be of type integer'],
      [{ minReplicas: 0 }, 'spec.minReplicas', 'Invalid value: 0: must be greater than or equal to 1'],
      [{ minReplicas: 6 }, 'spec.maxReplicas', 'Invalid value: 5: must be greater than or equal to `minReplicas`'],
      [
        { metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0 } } }] },
        'spec.metrics[0].resource.target.averageUtilization',
        'Invalid value: 0: must be greater than 0',
      ],
    ];
    for (const [spec, field, message] of cases) {
      const r = await call('POST', BASE, hpa('bad', spec));
      expect(r.status, JSON.stringify(spec)).toBe(422);
      expect(r.body).toMatchObject({ kind: 'Status', reason: 'Invalid', details: { name: 'bad', group: 'autoscaling', kind: 'HorizontalPodAutoscaler' } });
      expect(r.body.details.causes).toContainEqual(expect.objectContaining({ field, message }));
      expect(r.body.message).toContain(`HorizontalPodAutoscaler.autoscaling "bad" is invalid: ${field}: ${message}`);
    }
    const missing = await call('POST', BASE, { ...hpa('bad'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' } } });
    expect(missing.body.details.causes).toContainEqual(expect.objectContaining({ field: 'spec.maxReplicas', message: 'Required value' }));
    expect((await call('GET', `${BASE}/bad`)).status).toBe(404);

    // An update is held to the same rules.
    expect((await call('POST', BASE, hpa('ok'))).status).toBe(201);
    const patched = await call('PATCH', `${BASE}/ok`, { spec: { minReplicas: 7 } }, 'application/merge-patch+json');
    expect(patched.status).toBe(422);
    expect(patched.body.message).toContain('spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas`');
    expect((await call('DELETE', `${BASE}/ok`)).status).toBe(200);
  });

  it('is listed in discovery and OpenAPI under autoscaling/v2 (v1 is not served)', async () => {
    const list = await call('GET', `/clusters/${CLUSTER}/apis/autoscaling/v2`);
    expect(list.body.groupVersion).toBe('autoscaling/v2');
    expect(list.body.resources).toContainEqual({
      name: 'horizontalpodautoscalers',
      singularName: 'horizontalpodautoscaler',
      namespaced: true,
      kind: 'HorizontalPodAutoscaler',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['hpa'],
      categories: ['all'],
    });
    expect(list.body.resources.map((r: { name: string }) => r.name)).toContain('horizontalpodautoscalers/status');

    const group = await call('GET', `/clusters/${CLUSTER}/apis/autoscaling`);
    expect(group.body).toMatchObject({ kind: 'APIGroup', name: 'autoscaling', preferredVersion: { groupVersion: 'autoscaling/v2', version: 'v2' } });
    const groups = await call('GET', `/clusters/${CLUSTER}/apis`);
    expect(groups.body.groups.map((g: { name: string }) => g.name)).toContain('autoscaling');

    const aggregated = await t.request('GET', `/clusters/${CLUSTER}/apis`, { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' });
    const autoscaling = (await aggregated.json()).items.find((i: { metadata: { name: string } }) => i.metadata.name === 'autoscaling');
    expect(autoscaling.versions[0].resources[0]).toMatchObject({
      resource: 'horizontalpodautoscalers',
      responseKind: { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' },
      scope: 'Namespaced',
      shortNames: ['hpa'],
      subresources: [{ subresource: 'status' }],
    });

    const root = await call('GET', `/clusters/${CLUSTER}/openapi/v3`);
    const doc = await call('GET', root.body.paths['apis/autoscaling/v2'].serverRelativeURL);
    expect(doc.body.components.schemas['io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler']['x-kubernetes-group-version-kind']).toEqual([
      { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' },
    ]);
    expect(doc.body.paths['/apis/autoscaling/v2/namespaces/{namespace}/horizontalpodautoscalers/{name}'].patch).toBeDefined();

    expect((await call('GET', `/clusters/${CLUSTER}/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers`)).status).toBe(404);
  });
});

describe('HorizontalPodAutoscaler with real kubectl v1.35', () => {
  const manifest = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: default
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 50
`;

  it('applies, gets (table and object), refuses an invalid change, and deletes', async () => {
    const file = path.join(dir, 'hpa.yaml');
    fs.writeFileSync(file, manifest);
    const resources = await kubectl(admin, ['api-resources', '--api-group=autoscaling']);
    expect(resources.code, resources.stderr).toBe(0);
    expect(resources.stdout).toMatch(/horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler/);

    const applied = await kubectl(admin, ['apply', '-f', file]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('horizontalpodautoscaler.autoscaling/web created');
    const again = await kubectl(admin, ['apply', '-f', file]);
    expect(again.stdout).toContain('horizontalpodautoscaler.autoscaling/web unchanged');

    const table = await kubectl(admin, ['get', 'hpa']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE/);
    expect(table.stdout).toMatch(/web\s+Deployment\/web\s+cpu: <unknown>\/50%\s+2\s+10\s+0\s+\d+s/);
    const all = await kubectl(admin, ['get', 'all']);
    expect(all.stdout).toContain('horizontalpodautoscaler.autoscaling/web');
    const fields = await kubectl(admin, ['get', 'hpa', 'web', '-o', 'jsonpath={.apiVersion} {.spec.minReplicas} {.spec.maxReplicas}']);
    expect(fields.stdout).toBe('autoscaling/v2 2 10');
    const described = await kubectl(admin, ['describe', 'hpa', 'web']);
    expect(described.code, described.stderr).toBe(0);
    expect(described.stdout).toMatch(/Reference:\s+Deployment\/web/);
    expect(described.stdout).toMatch(/Min replicas:\s+2/);
    expect(described.stdout).toMatch(/Max replicas:\s+10/);

    fs.writeFileSync(file, manifest.replace('minReplicas: 2', 'minReplicas: 20'));
    const invalid = await kubectl(admin, ['apply', '-f', file]);
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('spec.maxReplicas: Invalid value: 10: must be greater than or equal to `minReplicas`');

    const deleted = await kubectl(admin, ['delete', 'hpa', 'web']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain('horizontalpodautoscaler.autoscaling "web" deleted');
    expect((await kubectl(admin, ['get', 'hpa', 'web'])).code).not.toBe(0);
  });
});
