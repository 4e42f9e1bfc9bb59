/**
 * kubectl fidelity costs: (1) Kubernetes protobuf decode + encode per object for
 * the five most common kinds, beside JSON.parse + JSON.stringify of the same
 * object in the same run; (2) server-side apply of a Deployment against a real
 * server process, p50/p99 at concurrency 1, beside a plain update (PUT) of the
 * same object in the same run (target: SSA under 2x an update).
 */
import { decodeKubernetesProtobuf, encodeKubernetesProtobuf } from '../apps/apiserver/src/http/protobuf.js';
import { call, closeConnections, startServer } from './apiserver-process.js';
import { runCount } from './stats.js';

interface Ctx {
  createDatabase(): Promise<{ url: string; drop(): Promise<void> }>;
  report(result: Record<string, unknown>): void;
}

const container = {
  name: 'app',
  image: 'registry.example.com/team/app:1.4.2',
  ports: [{ containerPort: 8080, protocol: 'TCP', name: 'http' }],
  env: [
    { name: 'MODE', value: 'production' },
    { name: 'LOG_LEVEL', value: 'info' },
  ],
  resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
  readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10 },
};
const meta = (name: string) => ({
  name,
  namespace: 'default',
  uid: '6f1f7f2e-3d5c-4b8e-9a77-0d2e2f3c4b5a',
  resourceVersion: '12345',
  creationTimestamp: '2026-12-01T10:00:00Z',
  labels: { app: 'web', tier: 'front' },
  annotations: { 'example.com/owner': 'team-a' },
});
const OBJECTS: Record<string, Record<string, unknown>> = {
  Pod: {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta('web-1'),
    spec: { containers: [container], restartPolicy: 'Always', terminationGracePeriodSeconds: 30 },
  },
  Deployment: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta('web'),
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container] } } },
  },
  Service: {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('web'),
    spec: { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], clusterIP: '10.96.0.10' },
  },
  ConfigMap: {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta('settings'),
    data: { 'app.yaml': 'mode: production\nlog: info\n'.repeat(8), color: 'blue' },
  },
  Secret: { apiVersion: 'v1', kind: 'Secret', metadata: meta('creds'), type: 'Opaque', data: { password: Buffer.from('s3cr3t-password').toString('base64') } },
};

function perOpMicros(n: number, op: () => void): number {
  for (let i = 0; i < Math.min(n, 2000); i++) op();
  const start = performance.now();
  for (let i = 0; i < n; i++) op();
  return Math.round(((performance.now() - start) * 1000 * 100) / n) / 100;
}

function deploymentYaml(replicas: number, image: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: ${image}
        ports:
        - {containerPort: 8080, name: http}
        env:
        - {name: MODE, value: production}
        resources:
          requests: {cpu: 250m, memory: 256Mi}
`;
}

export default async function run(ctx: Ctx): Promise<void> {
  for (const [kind, object] of Object.entries(OBJECTS)) {
    const wire = encodeKubernetesProtobuf(object);
    const json = JSON.stringify(object);
    const protobufMicros = perOpMicros(20_000, () => encodeKubernetesProtobuf(decodeKubernetesProtobuf(wire)));
    const jsonMicros = perOpMicros(20_000, () => JSON.stringify(JSON.parse(json)));
    ctx.report({
      name: 'protobuf.decode-encode',
      kind,
      bytes: wire.length,
      jsonBytes: json.length,
      protobufMicrosPerObject: protobufMicros,
      jsonMicrosPerObject: jsonMicros,
      ratioToJson: +(protobufMicros / jsonMicros).toFixed(2),
    });
  }

  const database = await ctx.createDatabase();
  const server = await startServer(database.url);
  const path = '/clusters/root/apis/apps/v1/namespaces/default/deployments';
  const expect = async (p: Promise<{ status: number; text: string }>, ...status: number[]) => {
    const r = await p;
    if (!status.includes(r.status)) throw new Error(`expected ${status.join('|')}, got ${r.status}: ${r.text.slice(0, 300)}`);
    return r;
  };
  try {
    const total = 400;
    await expect(call(server.url, 'PATCH', `${path}/web?fieldManager=bench`, deploymentYaml(1, 'app:0'), 'application/apply-patch+yaml'), 201);
    // Each apply changes the image, so every one is a real write (a repeated apply would be a no-op).
    const apply = await runCount(1, total, async (i) => {
      await expect(call(server.url, 'PATCH', `${path}/web?fieldManager=bench`, deploymentYaml(1, `app:${i + 1}`), 'application/apply-patch+yaml'), 200);
    });
    const current = JSON.parse((await expect(call(server.url, 'GET', `${path}/web`), 200)).text) as {
      spec: { template: { spec: { containers: { image: string }[] } } };
      metadata: Record<string, unknown>;
    };
    delete current.metadata.resourceVersion;
    const update = await runCount(1, total, async (i) => {
      current.spec.template.spec.containers[0]!.image = `app:u${i}`;
      await expect(call(server.url, 'PUT', `${path}/web`, current), 200);
    });
    ctx.report({ name: 'apiserver.update', kind: 'Deployment', concurrency: 1, ...update });
    ctx.report({
      name: 'apiserver.server-side-apply',
      kind: 'Deployment',
      concurrency: 1,
      ...apply,
      p50RatioToUpdate: +(apply.p50Ms / update.p50Ms).toFixed(2),
      p99RatioToUpdate: +(apply.p99Ms / update.p99Ms).toFixed(2),
      target: 'SSA under 2x an update',
    });
  } finally {
    server.child.kill('SIGTERM');
    closeConnections();
    await database.drop();
  }
}
