/**
 * The cluster page's live backend view, against the real API server process: `/events` returns the
 * Workspace's phase and conditions and the Events filed about that cluster (by its id: an earlier
 * cluster of the same name never shows), and answers a foreign or missing id with the same 404.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApiToken, createPrismaClient, makeOrg, type PrismaClient } from '@atrium/db';
import { createTestDatabase, freePort, type TestDatabase } from '@atrium/db/testing';
import { KcpClient, TENANCY_API_VERSION } from '@atrium/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenOnlyDispatchDeps } from '../../../test-support/api-deps.js';
import { type DispatchDeps, dispatch } from '../../dispatch.js';
import { allApiRoutes } from '../../registry.js';
import type { ClusterEventsResponse } from './get-cluster-events.types.js';

const repoRoot = path.resolve(import.meta.dirname, '../../../../../..');
const ADMIN_TOKEN = 'cluster-events-test-admin-token-0123456789';
let tdb: TestDatabase;
let db: PrismaClient;
let deps: DispatchDeps;
let stopApiserver: () => Promise<void>;
let kcp: KcpClient;
const ids = { acmeCluster: '', globexCluster: '', acmeToken: '' };

async function get(p: string, bearer: string) {
  const res = await dispatch(new Request(`http://localhost/api/v1${p}`, { headers: { authorization: `Bearer ${bearer}` } }), allApiRoutes, deps);
  return { status: res.status, text: await res.text() };
}

/** An Event as the worker files it: in the team workspace's `default`, on the Workspace, labelled with the cluster id. */
function event(clusterName: string, clusterId: string, reason: string, message: string) {
  return kcp.recordEvent('root:acme:payments', {
    name: `${clusterName}.${clusterId.toLowerCase()}.${reason.toLowerCase()}`,
    namespace: 'default',
    involvedObject: { apiVersion: TENANCY_API_VERSION, kind: 'Workspace', name: clusterName },
    reason,
    message,
    type: reason === 'ReconcileError' ? 'Warning' : 'Normal',
    component: 'atrium-worker',
    labels: { 'atrium.io/logical-cluster-id': clusterId },
  });
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = createPrismaClient(tdb.url, 4);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-cluster-events-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'apps/apiserver/src/main.ts')], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: tdb.url, ATRIUM_APISERVER_PORT: String(port), ATRIUM_KCP_TOKEN: ADMIN_TOKEN, ATRIUM_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  stopApiserver = async () => {
    child.kill('SIGTERM');
    await exited;
    fs.rmSync(home, { recursive: true, force: true });
  };
  for (const deadline = Date.now() + 60_000; !/apiserver ready at/.test(output); ) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`API server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const caFile = path.join(home, 'apiserver-ca.crt');
  // The console reads the backend address, CA and system token from its environment (read once, on first use).
  Object.assign(process.env, { DATABASE_URL: tdb.url, ATRIUM_KCP_URL: `https://127.0.0.1:${port}`, ATRIUM_KCP_CA_FILE: caFile, ATRIUM_KCP_TOKEN: ADMIN_TOKEN });
  kcp = new KcpClient({ server: `https://127.0.0.1:${port}`, token: ADMIN_TOKEN, caPem: fs.readFileSync(caFile, 'utf8') });
  deps = tokenOnlyDispatchDeps(db);

  for (const [parent, name] of [
    ['root', 'acme'],
    ['root:acme', 'payments'],
    ['root:acme:payments', 'dev'],
  ] as const) {
    await kcp.ensureWorkspace(parent, { name });
    for (let i = 0; (await kcp.getWorkspace(parent, name))?.status?.phase !== 'Ready'; i++) {
      if (i > 500) throw new Error(`${parent}:${name} never became Ready`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const a = await makeOrg(db, 'acme', { owner: 'owner' });
  const b = await makeOrg(db, 'globex', { owner: 'owner' });
  const template = await db.clusterTemplate.create({ data: { slug: 'standard', name: 'Standard' } });
  for (const [f, key] of [
    [a, 'acmeCluster'],
    [b, 'globexCluster'],
  ] as const) {
    const team = await db.team.create({ data: { orgId: f.org.id, slug: 'payments', name: 'Payments' } });
    const cluster = await db.logicalCluster.create({
      data: { orgId: f.org.id, teamId: team.id, name: 'dev', kcpPath: `root:${f.org.slug}:payments:dev`, templateId: template.id, regions: [], phase: 'Ready' },
    });
    ids[key] = cluster.id;
  }
  ids.acmeToken = (await createApiToken(db, { orgId: a.org.id, actor: { userId: a.users.owner!.id }, name: 't' })).token;
}, 120_000);

afterAll(async () => {
  await stopApiserver?.();
  await db?.$disconnect();
  await tdb?.drop();
});

describe('GET /orgs/{org}/clusters/{clusterId}/events', () => {
  it("returns the Workspace's conditions and this cluster's Events, deduplicated by reason, oldest first", async () => {
    await event('dev', ids.acmeCluster, 'WorkspaceCreated', 'Created workspace root:acme:payments:dev');
    await event('dev', ids.acmeCluster, 'Ready', 'Workspace is Ready');
    await event('dev', ids.acmeCluster, 'Ready', 'Workspace is Ready again');
    // An earlier cluster of the same name, in the same team workspace: not this one's history.
    await event('dev', 'cearliercluster000000000000', 'Deleted', 'Workspace root:acme:payments:dev is deleted');

    const res = await get(`/orgs/acme/clusters/${ids.acmeCluster}/events`, ids.acmeToken);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text) as ClusterEventsResponse;
    expect(body.workspace.state).toBe('found');
    expect(body.workspace.phase).toBe('Ready');
    expect(body.workspace.conditions.map((c) => `${c.type}=${c.status}`)).toContain('WorkspaceInitialized=True');
    expect(body.events.map((e) => [e.reason, e.count, e.message])).toEqual([
      ['WorkspaceCreated', 1, 'Created workspace root:acme:payments:dev'],
      ['Ready', 2, 'Workspace is Ready again'],
    ]);
    expect(body.events[1]!.type).toBe('Normal');
    expect(Date.parse(body.events[1]!.lastTimestamp!)).toBeGreaterThan(0);
    expect(body.eventsUnavailable).toBeUndefined();
  });

  it('answers a foreign cluster id exactly like a missing one', async () => {
    const foreign = await get(`/orgs/acme/clusters/${ids.globexCluster}/events`, ids.acmeToken);
    const missing = await get('/orgs/acme/clusters/does-not-exist-00000000/events', ids.acmeToken);
    expect(foreign.status).toBe(404);
    expect(foreign).toEqual(missing);
  });
});
