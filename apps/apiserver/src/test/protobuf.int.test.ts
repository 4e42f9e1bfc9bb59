/**
 * Protobuf responses as client-go negotiates them: `Accept:
 * application/vnd.kubernetes.protobuf,application/json` gets objects, lists,
 * errors and watch streams in protobuf for built-in kinds, JSON for the rest.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeKubernetesProtobuf, decodeWatchFrames, encodeKubernetesProtobuf } from '../http/protobuf.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './harness.js';

let t: TestServer;
const base = '/clusters/root:pb/api/v1/namespaces/default/configmaps';
const ACCEPT = 'application/vnd.kubernetes.protobuf,application/json';

beforeAll(async () => {
  t = await startTestServer();
  await t.server.clusters.create('root:pb');
});
afterAll(async () => {
  await t?.stop();
});

async function protobufCall(method: string, path: string, body?: Record<string, unknown>) {
  const res = await fetch(`${t.server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      accept: ACCEPT,
      ...(body ? { 'content-type': 'application/vnd.kubernetes.protobuf' } : {}),
    },
    ...(body ? { body: new Uint8Array(encodeKubernetesProtobuf(body)) } : {}),
  });
  return { status: res.status, contentType: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

describe('protobuf responses', () => {
  it('answers a protobuf create, get and list in protobuf, and a missing object with a protobuf Status', async () => {
    const created = await protobufCall('POST', base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pb' }, data: { a: '1' } });
    expect(created.status).toBe(201);
    expect(created.contentType).toBe('application/vnd.kubernetes.protobuf');
    expect(decodeKubernetesProtobuf(created.body)).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'pb', namespace: 'default' }, data: { a: '1' } });

    const got = await protobufCall('GET', `${base}/pb`);
    const object = decodeKubernetesProtobuf(got.body) as { metadata: { uid: string; managedFields: { manager: string }[] } };
    expect(object.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(object.metadata.managedFields[0]!.manager).toBe('node');

    const list = decodeKubernetesProtobuf((await protobufCall('GET', base)).body) as { kind: string; items: { metadata: { name: string } }[] };
    expect(list.kind).toBe('ConfigMapList');
    expect(list.items.map((i) => i.metadata.name)).toEqual(['pb']);

    const missing = await protobufCall('GET', `${base}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.contentType).toBe('application/vnd.kubernetes.protobuf');
    expect(decodeKubernetesProtobuf(missing.body)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
  });

  it('answers kinds outside k8s.io/api in JSON even when protobuf is preferred', async () => {
    const res = await fetch(`${t.server.url}/clusters/root:pb/apis/tenancy.kcp.io/v1alpha1/workspaces`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, accept: ACCEPT },
    });
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(((await res.json()) as { kind: string }).kind).toBe('WorkspaceList');
  });

  it('streams a watch as length-prefixed WatchEvents', async () => {
    const frames: Buffer[] = [];
    const done = new Promise<string>((resolve, reject) => {
      const req = http.get(
        `${t.server.url}${base}?watch=true&timeoutSeconds=2`,
        { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, accept: 'application/vnd.kubernetes.protobuf;stream=watch,application/json' } },
        (res) => {
          res.on('data', (c: Buffer) => frames.push(c));
          res.on('end', () => resolve(String(res.headers['content-type'])));
        },
      );
      req.on('error', reject);
    });
    await new Promise((r) => setTimeout(r, 200));
    await protobufCall('POST', base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pb2' } });
    expect(await done).toBe('application/vnd.kubernetes.protobuf;stream=watch');
    const events = decodeWatchFrames(Buffer.concat(frames));
    expect(events.map((e) => `${e.type} ${(e.object.metadata as { name: string }).name}`)).toEqual(['ADDED pb', 'ADDED pb2']);
  });
});
