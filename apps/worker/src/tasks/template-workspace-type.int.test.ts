/**
 * Templates as WorkspaceTypes, against a real API server process: creating, updating and deleting an org
 * template enqueues the sync job in the same transaction, and the task makes `atrium-<org>-<template>` in
 * `root:<org>` match the row (idempotently: a second pass changes nothing).
 */
import { createLogger } from '@atrium/config';
import { createPrismaClient, createTemplate, deleteTemplate, makeOrg, type PrismaClient, updateTemplate } from '@atrium/db';
import { createTestDatabase, type TestDatabase } from '@atrium/db/testing';
import { TENANCY_API_VERSION } from '@atrium/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApiServer, type TestApiServer } from '../test-support/processes.js';
import type { TaskDeps } from './index.js';
import { syncTemplateWorkspaceType } from './template-workspace-type.js';

const TOKEN = 'atrium-test-admin-token-template-sync';
let db: TestDatabase;
let prisma: PrismaClient;
let apiserver: TestApiServer;
let deps: TaskDeps;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url, 4);
  apiserver = await startTestApiServer(db.url, TOKEN);
  const kcp = apiserver.kcp;
  deps = { logger: createLogger('test'), prisma, kcp };
}, 120_000);

afterAll(async () => {
  await apiserver?.stop();
  await prisma?.$disconnect();
  await db?.drop();
});

const jobs = (orgId: string, slug: string) =>
  prisma.$queryRawUnsafe<Array<{ n: number }>>(
    "select count(*)::int as n from graphile_worker.jobs where task_identifier = 'template-workspace-type-sync' and key = $1",
    `tpl:${orgId}:${slug}`,
  );

/** Runs the task until the org workspace is ready enough to hold the type (a fresh org's first pass may retry). */
async function sync(payload: { orgId: string | null; slug: string }) {
  for (let i = 0; ; i++) {
    try {
      return await syncTemplateWorkspaceType(deps, payload);
    } catch (err) {
      if (i > 200) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

describe('template → WorkspaceType sync', () => {
  it('creates, updates and deletes the WorkspaceType with the template, idempotently', async () => {
    const f = await makeOrg(prisma, 'acme', { owner: 'owner' });
    const actor = { userId: f.users.owner!.id };
    const input = {
      slug: 'standard',
      name: 'Standard',
      description: '',
      apiSets: ['workloads'],
      allowedRegions: [],
      defaultBudgetMicros: null,
      maxBudgetMicros: null,
      podSecurity: 'baseline' as const,
      maxClustersPerTeam: null,
      teamIds: null,
    };
    const t = await createTemplate(prisma, { orgId: f.org.id, actor, input });
    expect((await jobs(f.org.id, 'standard'))[0]!.n).toBe(1);
    const payload = { orgId: f.org.id, slug: 'standard' };
    const read = () =>
      deps.kcp.objects('root:acme').read({ apiVersion: TENANCY_API_VERSION, kind: 'WorkspaceType', metadata: { name: 'atrium-acme-standard' } });

    expect(await sync(payload)).toBe('created');
    const created = (await read()) as { metadata: { annotations: Record<string, string> }; spec: unknown };
    expect(created.metadata.annotations['atrium.io/api-sets']).toBe('workloads');
    expect(created.spec).toEqual({ limitAllowedChildren: { none: true }, limitAllowedParents: { types: [{ name: 'universal', path: 'root' }] } });
    expect(await sync(payload)).toBe('unchanged');

    await updateTemplate(prisma, { orgId: f.org.id, actor, templateId: t.id, patch: { apiSets: ['workloads', 'networking'], podSecurity: 'restricted' } });
    expect(await sync(payload)).toBe('updated');
    const updated = (await read()) as { metadata: { annotations: Record<string, string> } };
    expect(updated.metadata.annotations['atrium.io/api-sets']).toBe('workloads,networking');
    expect(updated.metadata.annotations['atrium.io/pod-security']).toBe('restricted');

    await deleteTemplate(prisma, { orgId: f.org.id, actor, templateId: t.id });
    expect(await sync(payload)).toBe('deleted');
    await expect(read()).rejects.toMatchObject({ code: 404 });
    expect(await sync(payload)).toBe('absent');
  });

  it("writes a platform template (no org) as atrium-<template> in root, like kcp's own platform types", async () => {
    await prisma.clusterTemplate.create({ data: { orgId: null, slug: 'shared', name: 'Shared', apiSets: ['workloads'], allowedRegions: ['eu-west'] } });
    const payload = { orgId: null, slug: 'shared' };
    expect(await sync(payload)).toBe('created');
    const type = (await deps.kcp.objects('root').read({ apiVersion: TENANCY_API_VERSION, kind: 'WorkspaceType', metadata: { name: 'atrium-shared' } })) as {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    };
    expect(type.metadata.annotations['atrium.io/allowed-regions']).toBe('eu-west');
    expect(type.metadata.labels['atrium.io/org-id']).toBeUndefined();
    expect(await sync(payload)).toBe('unchanged');
    await prisma.clusterTemplate.deleteMany({ where: { orgId: null, slug: 'shared' } });
    expect(await sync(payload)).toBe('deleted');
  });
});
