/**
 * Kubeconfig tokens against the real API server process (its own schema migrated into the test
 * database, https with its generated CA): tokens issued through `/api/v1` work in their cluster;
 * revoking one through the console, removing the member, demoting them to billing or taking them
 * out of the team locks the token out within seconds; listing shows people their own tokens and
 * admins everyone's. And the isolation promise of ARCHITECTURE.md: a token for org A's cluster gets
 * 403 on every verb (discovery included) at org B's paths and at prefix siblings (`…:dev` vs `…:dev1`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApiToken, createPrismaClient, makeOrg, type PrismaClient } from '@atrium/db';
import { createTestDatabase, type TestDatabase } from '@atrium/db/testing';
import { KcpClient } from '@atrium/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tokenOnlyDispatchDeps } from '../../../test-support/api-deps.js';
import { type DispatchDeps, dispatch } from '../../dispatch.js';
import { allApiRoutes } from '../../registry.js';

const repoRoot = path.resolve(import.meta.dirname, '../../../../../..');
const ADMIN_TOKEN = 'kubeconfig-tokens-test-admin-token-0123456789';
let tdb: TestDatabase;
let db: PrismaClient;
let deps: DispatchDeps;
let apiserver: ChildProcess;
let apiserverOutput = '';
let home: string;
let port = 0;
let ca = '';
const acme = { orgId: '', teamId: '', clusterId: '', members: {} as Record<string, string>, tokens: {} as Record<string, string> };
const globex = { orgId: '', teamId: '', clusterId: '', ownerToken: '' };

async function freePort(): Promise<number> {
  return await new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** A console API call through the real dispatcher, authenticated with a console API token. */
async function consoleCall(method: string, p: string, bearer: string, body?: unknown) {
  const res = await dispatch(
    new Request(`http://localhost/api/v1${p}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }),
    allApiRoutes,
    deps,
  );
  // biome-ignore lint/suspicious/noExplicitAny: test reads arbitrary response bodies
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as any };
}

/** A request to the API server over TLS, the way kubectl sends a bearer token. */
function kube(method: string, p: string, token: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path: p,
        method,
        ca,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(payload ? { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Issues a kubeconfig through the console and returns the bearer token inside it. */
async function kubeconfigToken(consoleToken: string, org: string, clusterId: string): Promise<string> {
  const res = await consoleCall('POST', `/orgs/${org}/clusters/${clusterId}/kubeconfig`, consoleToken);
  expect(res.status).toBe(201);
  return parse(res.body.kubeconfig).users[0].user.token as string;
}

/** Polls until the API server rejects `token`; returns how long that took. */
async function msUntilRejected(token: string, p: string, timeoutMs = 5_000): Promise<number> {
  const start = Date.now();
  for (;;) {
    const { status } = await kube('GET', p, token);
    if (status === 401) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`token still accepted (${status}) after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const NS = (cluster: string) => `/clusters/${cluster}/api/v1/namespaces`;

beforeAll(async () => {
  tdb = await createTestDatabase();
  process.env.DATABASE_URL = tdb.url;
  db = createPrismaClient(tdb.url, 4);
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-kctokens-'));
  port = await freePort();
  apiserver = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'apps/apiserver/src/main.ts')], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: tdb.url, ATRIUM_APISERVER_PORT: String(port), ATRIUM_KCP_TOKEN: ADMIN_TOKEN, ATRIUM_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  apiserver.stdout?.on('data', (c: Buffer) => (apiserverOutput += c.toString()));
  apiserver.stderr?.on('data', (c: Buffer) => (apiserverOutput += c.toString()));
  const deadline = Date.now() + 60_000;
  while (!/apiserver ready at/.test(apiserverOutput)) {
    if (apiserver.exitCode !== null || Date.now() > deadline) throw new Error(`API server did not start:\n${apiserverOutput}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  ca = fs.readFileSync(path.join(home, 'apiserver-ca.crt'), 'utf8');
  process.env.ATRIUM_KCP_URL = `https://127.0.0.1:${port}`;
  process.env.ATRIUM_KCP_CA_FILE = path.join(home, 'apiserver-ca.crt');
  deps = tokenOnlyDispatchDeps(db);

  // The workspaces the worker would create, and its group bindings (cluster-admin for the team and org admins).
  const kcp = new KcpClient({ server: `https://127.0.0.1:${port}`, token: ADMIN_TOKEN, caPem: ca });
  const tree: Array<[string, string]> = [
    ['root', 'acme'],
    ['root:acme', 'payments'],
    ['root:acme:payments', 'dev'],
    ['root:acme:payments', 'dev1'],
    ['root', 'globex'],
    ['root:globex', 'web'],
    ['root:globex:web', 'prod'],
  ];
  // Workspaces become usable logical clusters asynchronously; a child needs its parent ready.
  for (const [parent, name] of tree) {
    await kcp.ensureWorkspace(parent, { name });
    for (let i = 0; (await kube('GET', NS(`${parent}:${name}`), ADMIN_TOKEN)).status !== 200; i++) {
      if (i > 500) throw new Error(`${parent}:${name} never became ready`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  const a = await makeOrg(db, 'acme', { owner: 'owner', dev: 'developer', leaver: 'developer', demoted: 'developer', mover: 'developer' });
  const b = await makeOrg(db, 'globex', { owner: 'owner' });
  const template = await db.clusterTemplate.create({ data: { slug: 'standard', name: 'Standard' } });
  for (const [f, target, teamSlug, clusterName] of [
    [a, acme, 'payments', 'dev'],
    [b, globex, 'web', 'prod'],
  ] as const) {
    const team = await db.team.create({ data: { orgId: f.org.id, slug: teamSlug, name: teamSlug } });
    const kcpPath = `root:${f.org.slug}:${teamSlug}:${clusterName}`;
    const cluster = await db.logicalCluster.create({
      data: { orgId: f.org.id, teamId: team.id, name: clusterName, kcpPath, templateId: template.id, regions: [], phase: 'Ready' },
    });
    Object.assign(target, { orgId: f.org.id, teamId: team.id, clusterId: cluster.id });
    for (const group of [`atrium:team:${team.id}`, `atrium:org-admins:${f.org.id}`]) {
      await kcp.ensureObject(kcpPath, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: group.replaceAll(':', '-') },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
      });
    }
  }
  // acme's sibling cluster with a name that extends `dev`: the prefix trap.
  for (const group of [`atrium:team:${acme.teamId}`, `atrium:org-admins:${acme.orgId}`]) {
    await kcp.ensureObject('root:acme:payments:dev1', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: group.replaceAll(':', '-') },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
    });
  }
  await db.logicalCluster.create({
    data: { orgId: acme.orgId, teamId: acme.teamId, name: 'dev1', kcpPath: 'root:acme:payments:dev1', templateId: template.id, regions: [], phase: 'Ready' },
  });
  for (const label of ['dev', 'leaver', 'demoted', 'mover']) {
    await db.teamMember.create({ data: { teamId: acme.teamId, membershipId: a.memberships[label]!.id } });
  }
  for (const label of Object.keys(a.users)) {
    acme.members[label] = a.memberships[label]!.id;
    acme.tokens[label] = (await createApiToken(db, { orgId: acme.orgId, actor: { userId: a.users[label]!.id }, name: label })).token;
  }
  globex.ownerToken = (await createApiToken(db, { orgId: globex.orgId, actor: { userId: b.users.owner!.id }, name: 'owner' })).token;
}, 120_000);

afterAll(async () => {
  if (apiserver && apiserver.exitCode === null) {
    const exited = new Promise((r) => apiserver.once('exit', r));
    apiserver.kill('SIGTERM');
    await exited;
  }
  await db?.$disconnect();
  await tdb?.drop();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

describe('revoking kubeconfig tokens', () => {
  it('lists own tokens, revokes one through the console, and the API server rejects it at once', async () => {
    const token = await kubeconfigToken(acme.tokens.dev!, 'acme', acme.clusterId);
    const other = await kubeconfigToken(acme.tokens.dev!, 'acme', acme.clusterId);
    expect((await kube('GET', NS('root:acme:payments:dev'), token)).status).toBe(200);

    const listed = await consoleCall('GET', `/orgs/acme/clusters/${acme.clusterId}/tokens`, acme.tokens.dev!);
    expect(listed.status).toBe(200);
    expect(listed.body.tokens).toHaveLength(2);
    expect(listed.body.tokens.every((t: { revokedAt: string | null }) => t.revokedAt === null)).toBe(true);
    const row = await db.$queryRawUnsafe<Array<{ token_hash: string }>>(
      "select token_hash from apiserver.tokens where token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')",
      token,
    );
    const id = row[0]!.token_hash.slice(0, 16);
    expect(listed.body.tokens.map((t: { id: string }) => t.id)).toContain(id);

    expect((await consoleCall('DELETE', `/orgs/acme/clusters/${acme.clusterId}/tokens/${id}`, acme.tokens.dev!)).status).toBe(204);
    // The trigger's NOTIFY drops the cached lookup: well under a second, not the cache's 60 s.
    expect(await msUntilRejected(token, NS('root:acme:payments:dev'))).toBeLessThan(1_000);
    // Only that token: the other one still works.
    expect((await kube('GET', NS('root:acme:payments:dev'), other)).status).toBe(200);

    const after = await consoleCall('GET', `/orgs/acme/clusters/${acme.clusterId}/tokens`, acme.tokens.dev!);
    expect(after.body.tokens.find((t: { id: string }) => t.id === id).revokedAt).not.toBeNull();
    expect(await db.auditEvent.count({ where: { orgId: acme.orgId, action: 'cluster.token.revoke', targetId: acme.clusterId } })).toBe(1);
    // Revoking again is a no-op, not a second audit event.
    expect((await consoleCall('DELETE', `/orgs/acme/clusters/${acme.clusterId}/tokens/${id}`, acme.tokens.dev!)).status).toBe(204);
    expect(await db.auditEvent.count({ where: { orgId: acme.orgId, action: 'cluster.token.revoke', targetId: acme.clusterId } })).toBe(1);
  });

  it('shows developers only their own tokens (others’ are 404 to revoke), owners everyone’s', async () => {
    const moverToken = await kubeconfigToken(acme.tokens.mover!, 'acme', acme.clusterId);
    const ownerView = await consoleCall('GET', `/orgs/acme/clusters/${acme.clusterId}/tokens`, acme.tokens.owner!);
    const moverRow = ownerView.body.tokens.find((t: { username: string; revokedAt: string | null }) => t.username.startsWith('acme-mover'));
    expect(moverRow).toBeTruthy();
    const devView = await consoleCall('GET', `/orgs/acme/clusters/${acme.clusterId}/tokens`, acme.tokens.dev!);
    expect(devView.body.tokens.every((t: { username: string }) => t.username.startsWith('acme-dev'))).toBe(true);

    const byDev = await consoleCall('DELETE', `/orgs/acme/clusters/${acme.clusterId}/tokens/${moverRow.id}`, acme.tokens.dev!);
    expect(byDev.status).toBe(404);
    // The same id under another cluster of the org, or from another org, is a 404 too.
    const dev1 = await db.logicalCluster.findFirstOrThrow({ where: { orgId: acme.orgId, name: 'dev1' } });
    expect((await consoleCall('DELETE', `/orgs/acme/clusters/${dev1.id}/tokens/${moverRow.id}`, acme.tokens.owner!)).status).toBe(404);
    expect((await consoleCall('DELETE', `/orgs/globex/clusters/${globex.clusterId}/tokens/${moverRow.id}`, globex.ownerToken)).status).toBe(404);
    expect((await kube('GET', NS('root:acme:payments:dev'), moverToken)).status).toBe(200);

    // Leaving the team takes the team group away, and with it every token that carries it.
    expect((await consoleCall('DELETE', `/orgs/acme/teams/${acme.teamId}/members/${acme.members.mover}`, acme.tokens.owner!)).status).toBe(204);
    expect(await msUntilRejected(moverToken, NS('root:acme:payments:dev'))).toBeLessThan(2_000);
  });

  it('locks a removed member out within seconds, in the same transaction as the removal', async () => {
    const token = await kubeconfigToken(acme.tokens.leaver!, 'acme', acme.clusterId);
    expect((await kube('GET', NS('root:acme:payments:dev'), token)).status).toBe(200);
    expect((await consoleCall('DELETE', `/orgs/acme/members/${acme.members.leaver}`, acme.tokens.owner!)).status).toBe(204);
    expect(await msUntilRejected(token, NS('root:acme:payments:dev'))).toBeLessThan(2_000);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { orgId: acme.orgId, action: 'member.remove', targetId: acme.members.leaver } });
    expect(audit.after).toEqual({ kubeconfigTokensRevoked: 1 });
  });

  it('locks a member demoted to billing out', async () => {
    const token = await kubeconfigToken(acme.tokens.demoted!, 'acme', acme.clusterId);
    expect((await kube('GET', NS('root:acme:payments:dev'), token)).status).toBe(200);
    expect((await consoleCall('PATCH', `/orgs/acme/members/${acme.members.demoted}`, acme.tokens.owner!, { role: 'billing' })).status).toBe(200);
    expect(await msUntilRejected(token, NS('root:acme:payments:dev'))).toBeLessThan(2_000);
  });

  it('revokes a cluster’s tokens when it is deleted (its path can be taken again)', async () => {
    const dev1 = await db.logicalCluster.findFirstOrThrow({ where: { orgId: acme.orgId, name: 'dev1' } });
    const token = await kubeconfigToken(acme.tokens.owner!, 'acme', dev1.id);
    expect((await kube('GET', NS('root:acme:payments:dev1'), token)).status).toBe(200);
    expect((await consoleCall('DELETE', `/orgs/acme/clusters/${dev1.id}`, acme.tokens.owner!)).status).toBe(202);
    expect(await msUntilRejected(token, NS('root:acme:payments:dev1'))).toBeLessThan(2_000);
  });
});

describe('a kubeconfig token outside its cluster', () => {
  it('gets 403 on every verb, discovery included, at another org’s paths and at prefix siblings', async () => {
    const token = await kubeconfigToken(acme.tokens.owner!, 'acme', acme.clusterId);
    // Positive control: the token works in its own cluster, for reads and writes.
    expect((await kube('GET', '/clusters/root:acme:payments:dev/api', token)).status).toBe(200);
    expect((await kube('POST', NS('root:acme:payments:dev'), token, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mine' } })).status).toBe(201);

    const foreign = ['root:globex:web:prod', 'root:globex:web', 'root:globex', 'root:acme:payments:dev1', 'root:acme:payments', 'root:acme', 'root'];
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pwned', namespace: 'default' }, data: { a: 'b' } };
    const outcomes: string[] = [];
    for (const cluster of foreign) {
      const base = `/clusters/${cluster}`;
      const calls: Array<[string, string, unknown?]> = [
        ['GET', `${base}/api`],
        ['GET', `${base}/api/v1`],
        ['GET', `${base}/apis`],
        ['GET', `${base}/apis/tenancy.kcp.io/v1alpha1`],
        ['GET', `${base}/openapi/v3`],
        ['GET', `${base}/api/v1/namespaces`],
        ['GET', `${base}/api/v1/namespaces/default`],
        ['GET', `${base}/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1`],
        ['POST', `${base}/api/v1/namespaces/default/configmaps`, cm],
        ['PUT', `${base}/api/v1/namespaces/default/configmaps/pwned`, cm],
        ['PATCH', `${base}/api/v1/namespaces/default/configmaps/pwned`, { data: { a: 'c' } }],
        ['DELETE', `${base}/api/v1/namespaces/default/configmaps/pwned`],
        ['DELETE', `${base}/api/v1/namespaces/default/configmaps`],
        ['GET', `${base}/apis/tenancy.kcp.io/v1alpha1/workspaces`],
      ];
      for (const [method, p, body] of calls) {
        const res = await kube(method, p, token, body);
        if (res.status !== 403) outcomes.push(`${method} ${p} → ${res.status}`);
      }
    }
    expect(outcomes).toEqual([]);
    // Nothing was written in globex's cluster.
    expect((await kube('GET', '/clusters/root:globex:web:prod/api/v1/namespaces/default/configmaps/pwned', ADMIN_TOKEN)).status).toBe(404);
  });
});
