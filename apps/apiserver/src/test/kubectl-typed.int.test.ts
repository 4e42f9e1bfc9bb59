import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminKubeconfig } from '../kubeconfig.js';
import { builtinTypes } from '../registry/builtin.js';
import { ADMIN_TOKEN, kubectl, kubectlBinary, startTestServer, type TestServer } from './harness.js';

/** Typed kubectl commands send protobuf request bodies (decoded by src/http/protobuf.ts). */
let t: TestServer;
let dir: string;
let admin: string;

beforeAll(async () => {
  [t] = await Promise.all([startTestServer(), kubectlBinary()]);
  await t.server.clusters.create('root:typed');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-kubectl-typed-'));
  admin = path.join(dir, 'admin.kubeconfig');
  fs.writeFileSync(admin, adminKubeconfig(t.server.httpsUrl!, ADMIN_TOKEN, { caPem: t.server.caPem!, paths: ['root:typed'] }));
  const ns = await kubectl(admin, ['create', 'namespace', 'typed']);
  expect(ns.code, ns.stderr).toBe(0);
});
afterAll(async () => {
  await t?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function ok(args: string[]): Promise<string> {
  const r = await kubectl(admin, ['-n', 'typed', ...args]);
  expect(r.code, `kubectl ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}
// biome-ignore lint/suspicious/noExplicitAny: kubectl -o json output is navigated freely in assertions
async function getJson(resource: string, name: string): Promise<Record<string, any>> {
  return JSON.parse(await ok(['get', resource, name, '-o', 'json']));
}
const served = (kind: string) => builtinTypes.some((x) => x.kind === kind);

describe('typed kubectl commands (protobuf request bodies)', () => {
  it('create deployment', async () => {
    await ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
    const d = await getJson('deployment', 'web');
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(d.spec.template.metadata.labels).toEqual({ app: 'web' });
    expect(d.spec.template.spec.containers[0]).toMatchObject({ name: 'nginx', image: 'nginx' });
  });

  it('create service clusterip / loadbalancer', async () => {
    await ok(['create', 'service', 'clusterip', 'web', '--tcp=80:8080']);
    const s = await getJson('service', 'web');
    expect(s.spec.type).toBe('ClusterIP');
    expect(s.spec.ports[0]).toMatchObject({ port: 80, targetPort: 8080, protocol: 'TCP' });
    expect(s.spec.selector).toEqual({ app: 'web' });
    await ok(['create', 'service', 'loadbalancer', 'lb', '--tcp=80']);
    const lb = await getJson('service', 'lb');
    expect(lb.spec.type).toBe('LoadBalancer');
    expect(lb.spec.ports[0]).toMatchObject({ port: 80, targetPort: 80 });
  });

  it('create job / cronjob', async () => {
    await ok(['create', 'job', 'j', '--image=busybox']);
    const j = await getJson('job', 'j');
    expect(j.spec.template.spec.containers[0]).toMatchObject({ name: 'j', image: 'busybox' });
    expect(j.spec.template.spec.restartPolicy).toBe('Never');
    await ok(['create', 'cronjob', 'c', '--image=busybox', '--schedule=*/5 * * * *']);
    const c = await getJson('cronjob', 'c');
    expect(c.spec.schedule).toBe('*/5 * * * *');
    expect(c.spec.jobTemplate.spec.template.spec.containers[0]).toMatchObject({ name: 'c', image: 'busybox' });
  });

  it('create ingress', async () => {
    await ok(['create', 'ingress', 'i', '--rule=a.example.com/=web:80']);
    const i = await getJson('ingress', 'i');
    expect(i.spec.rules[0].host).toBe('a.example.com');
    expect(i.spec.rules[0].http.paths[0]).toMatchObject({ path: '/', pathType: 'Exact', backend: { service: { name: 'web', port: { number: 80 } } } });
  });

  it('create quota', async () => {
    await ok(['create', 'quota', 'q', '--hard=pods=10,requests.cpu=2']);
    const q = await getJson('resourcequota', 'q');
    expect(q.spec.hard).toEqual({ pods: '10', 'requests.cpu': '2' });
  });

  it('create secret generic (bytes data)', async () => {
    await ok(['create', 'secret', 'generic', 's', '--from-literal=a=b']);
    const s = await getJson('secret', 's');
    expect(s.data).toEqual({ a: 'Yg==' }); // base64 of "b"
    expect(s.type).toBe('Opaque');
  });

  it('run / expose / autoscale', async () => {
    await ok(['run', 'p', '--image=nginx']);
    const p = await getJson('pod', 'p');
    expect(p.metadata.labels).toEqual({ run: 'p' });
    expect(p.spec.containers[0]).toMatchObject({ name: 'p', image: 'nginx' });
    await ok(['expose', 'deployment', 'web', '--port=80', '--name=web2']);
    const s = await getJson('service', 'web2');
    expect(s.spec.ports[0]).toMatchObject({ port: 80 });
    expect(s.spec.selector).toEqual({ app: 'web' });
    await ok(['autoscale', 'deployment', 'web', '--max=5']);
    const h = await getJson('hpa', 'web');
    expect(h.spec.maxReplicas).toBe(5);
    expect(h.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' });
  });

  it.runIf(served('PodDisruptionBudget'))('create poddisruptionbudget', async () => {
    await ok(['create', 'poddisruptionbudget', 'pdb', '--selector=app=web', '--min-available=1']);
    const pdb = await getJson('pdb', 'pdb');
    expect(pdb.spec.minAvailable).toBe(1);
    expect(pdb.spec.selector).toEqual({ matchLabels: { app: 'web' } });
  });

  it.runIf(served('PriorityClass'))('create priorityclass', async () => {
    await ok(['create', 'priorityclass', 'high', '--value=1000', '--description=important']);
    const pc = await getJson('priorityclass', 'high');
    expect(pc).toMatchObject({ value: 1000, description: 'important' });
  });
});
