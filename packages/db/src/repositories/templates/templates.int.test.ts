import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../client.js';
import { seedPlatformCatalog } from '../../seed/demo.js';
import { makeOrg } from '../../seed/factories.js';
import { createTestDatabase, type TestDatabase } from '../../testing.js';
import { createTemplate } from './create-template.js';
import { deleteTemplate } from './delete-template.js';
import { listTemplates } from './list-templates.js';
import type { TemplateInput } from './template-row.js';
import { updateTemplate } from './update-template.js';

let tdb: TestDatabase;
let db: PrismaClient;
let acme: Awaited<ReturnType<typeof makeOrg>>;
let other: Awaited<ReturnType<typeof makeOrg>>;
let platformTeam = '';
let foreignTeam = '';
const actor = () => ({ userId: acme.users.owner!.id });
const input = (o: Partial<TemplateInput> = {}): TemplateInput => ({
  slug: 'prod',
  name: 'Prod',
  description: '',
  apiSets: ['workloads'],
  allowedRegions: ['eu-west'],
  defaultBudgetMicros: 50_000_000n,
  maxBudgetMicros: 100_000_000n,
  podSecurity: 'restricted',
  maxClustersPerTeam: 2,
  teamIds: null,
  ...o,
});
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code,
  );

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = createPrismaClient(tdb.url, 2);
  await seedPlatformCatalog(db);
  acme = await makeOrg(db, 'acme', { owner: 'owner' });
  other = await makeOrg(db, 'other', { owner: 'owner' });
  platformTeam = (await db.team.create({ data: { orgId: acme.org.id, slug: 'platform', name: 'Platform' } })).id;
  foreignTeam = (await db.team.create({ data: { orgId: other.org.id, slug: 'platform', name: 'Platform' } })).id;
});
afterAll(async () => {
  await db?.$disconnect();
  await tdb?.drop();
});

describe('org templates', () => {
  it('refuses unknown regions, foreign teams, a default above the maximum and a platform slug, writing nothing', async () => {
    const before = await db.clusterTemplate.count();
    expect(await code(createTemplate(db, { orgId: acme.org.id, actor: actor(), input: input({ allowedRegions: ['mars-1'] }) }))).toBe('VALIDATION_FAILED');
    expect(await code(createTemplate(db, { orgId: acme.org.id, actor: actor(), input: input({ teamIds: [foreignTeam] }) }))).toBe('VALIDATION_FAILED');
    expect(await code(createTemplate(db, { orgId: acme.org.id, actor: actor(), input: input({ defaultBudgetMicros: 200_000_000n }) }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(await code(createTemplate(db, { orgId: acme.org.id, actor: actor(), input: input({ slug: 'standard' }) }))).toBe('CONFLICT');
    expect(await db.clusterTemplate.count()).toBe(before);
  });

  it('creates, lists beside platform templates, updates and deletes', async () => {
    const t = await createTemplate(db, { orgId: acme.org.id, actor: actor(), input: input({ teamIds: [platformTeam] }) });
    expect(t.teams?.map((x) => x.slug)).toEqual(['platform']);
    expect(await code(createTemplate(db, { orgId: acme.org.id, actor: actor(), input: input() }))).toBe('CONFLICT');
    expect((await listTemplates(db, { orgId: acme.org.id })).map((x) => [x.slug, x.orgId === null])).toEqual([
      ['standard', true],
      ['prod', false],
    ]);
    expect((await listTemplates(db, { orgId: other.org.id })).map((x) => x.slug)).toEqual(['standard']);
    const updated = await updateTemplate(db, { orgId: acme.org.id, actor: actor(), templateId: t.id, patch: { teamIds: null, maxClustersPerTeam: null } });
    expect(updated).toMatchObject({ teams: null, maxClustersPerTeam: null, podSecurity: 'restricted', defaultBudgetMicros: 50_000_000n });
    // Another org cannot see, change or delete it; nobody changes a platform template through an org.
    expect(await code(updateTemplate(db, { orgId: other.org.id, actor: { userId: other.users.owner!.id }, templateId: t.id, patch: { name: 'x' } }))).toBe(
      'NOT_FOUND',
    );
    expect(await code(deleteTemplate(db, { orgId: other.org.id, actor: { userId: other.users.owner!.id }, templateId: t.id }))).toBe('NOT_FOUND');
    const standard = (await listTemplates(db, { orgId: acme.org.id })).find((x) => x.slug === 'standard')!;
    expect(await code(updateTemplate(db, { orgId: acme.org.id, actor: actor(), templateId: standard.id, patch: { name: 'x' } }))).toBe('FORBIDDEN');
    expect(await code(deleteTemplate(db, { orgId: acme.org.id, actor: actor(), templateId: standard.id }))).toBe('FORBIDDEN');
    await deleteTemplate(db, { orgId: acme.org.id, actor: actor(), templateId: t.id });
    expect(await db.auditEvent.findMany({ where: { orgId: acme.org.id, targetId: t.id }, orderBy: { id: 'asc' }, select: { action: true } })).toEqual([
      { action: 'template.create' },
      { action: 'template.update' },
      { action: 'template.delete' },
    ]);
  });

  it('keeps a template that clusters were made from', async () => {
    const t = await createTemplate(db, { orgId: acme.org.id, actor: actor(), input: input({ slug: 'used' }) });
    await db.logicalCluster.create({
      data: { orgId: acme.org.id, teamId: platformTeam, name: 'c', kcpPath: 'root:acme:platform:c', templateId: t.id, regions: [], phase: 'Deleted' },
    });
    expect(await code(deleteTemplate(db, { orgId: acme.org.id, actor: actor(), templateId: t.id }))).toBe('CONFLICT');
  });
});
