import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../client.js';
import { requestCluster } from '../repositories/clusters/request-cluster.js';
import { createTestDatabase, type TestDatabase } from '../testing.js';
import { DEMO, seedDemo } from './demo.js';

let tdb: TestDatabase;
let db: PrismaClient;

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = createPrismaClient(tdb.url, 2);
});
afterAll(async () => {
  await db?.$disconnect();
  await tdb?.drop();
});

describe('the demo catalog', () => {
  it('seeds regions and templates once, however often it runs', async () => {
    await seedDemo(db);
    await seedDemo(db);
    expect((await db.region.findMany({ orderBy: { slug: 'asc' } })).map((r) => r.slug)).toEqual(['eu-west', 'us-east']);
    const templates = await db.clusterTemplate.findMany({ include: { teams: { include: { team: true } } }, orderBy: { slug: 'asc' } });
    expect(templates.map((t) => [t.slug, t.orgId === null ? 'platform' : 'org', t.teams.map((x) => x.team.slug)])).toEqual([
      ['production', 'org', ['platform']],
      ['standard', 'platform', []],
    ]);
    expect(templates.find((t) => t.slug === 'standard')).toMatchObject({ defaultBudgetMicros: 20_000_000n, allowedRegions: ['eu-west', 'us-east'] });
    // One cost node each for the org and its team, uncapped, however often the seed runs.
    const nodes = await db.budget.findMany({ include: { team: true }, orderBy: { scope: 'asc' } });
    expect(nodes.map((n) => [n.scope, n.team?.slug ?? null, n.capMicros])).toEqual([
      ['org', null, null],
      ['team', 'platform', null],
    ]);
  });

  it('lets the demo owner request from `standard` in `platform`, and keeps `production` to team `platform`', async () => {
    const org = await db.organization.findUniqueOrThrow({ where: { slug: DEMO.orgSlug } });
    const user = await db.user.findUniqueOrThrow({ where: { email: DEMO.email } });
    const membership = await db.membership.findFirstOrThrow({ where: { orgId: org.id, userId: user.id } });
    const platform = await db.team.findFirstOrThrow({ where: { orgId: org.id, slug: 'platform' } });
    const other = await db.team.create({ data: { orgId: org.id, slug: 'web', name: 'Web' } });
    const ask = (teamId: string, template: string) =>
      requestCluster(db, {
        orgId: org.id,
        actor: { userId: user.id },
        role: 'owner',
        membershipId: membership.id,
        request: { name: 'dev', teamId, template, regions: ['eu-west'] },
      });
    const ok = await ask(platform.id, 'standard');
    expect(ok.allowed && ok.cluster.kcpPath).toBe('root:demo:platform:dev');
    const denied = await ask(other.id, 'production');
    expect(denied.allowed ? null : denied.headline).toBe('template `production` is limited to team `platform` by org policy');
  });
});
