/**
 * Guards the race-freedom of cost admission at the database level: many
 * concurrent transactions spending the same headroom must admit exactly as
 * many as fit, never more, across separate connections (as separate API
 * server replicas would hold).
 */
import { evaluateBudgets } from '@atrium/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBudgetDelta, lockBudgetPath } from './budget-reservation.js';
import { createPrismaClient, type PrismaClient } from './client.js';
import { createTestDatabase, type TestDatabase } from './testing.js';

let db: TestDatabase;
let prisma: PrismaClient;
let pool: pg.Pool;
const ids = { org: '', platform: '', payments: '', cluster: '' };

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url, 2);
  pool = new pg.Pool({ connectionString: db.url, max: 20 });
  const org = await prisma.organization.create({ data: { slug: 'acme', name: 'Acme' } });
  const platform = await prisma.team.create({ data: { orgId: org.id, slug: 'platform', name: 'Platform' } });
  const payments = await prisma.team.create({ data: { orgId: org.id, slug: 'payments', name: 'Payments', parentId: platform.id } });
  const template = await prisma.clusterTemplate.create({ data: { orgId: org.id, slug: 'std', name: 'Std', apiSets: [], allowedRegions: [] } });
  const cluster = await prisma.logicalCluster.create({
    data: { orgId: org.id, teamId: payments.id, name: 'dev', kcpPath: 'root:acme:platform:payments:dev', templateId: template.id, regions: [], phase: 'Ready' },
  });
  Object.assign(ids, { org: org.id, platform: platform.id, payments: payments.id, cluster: cluster.id });
});

afterAll(async () => {
  await pool.end();
  await prisma.$disconnect();
  await db.drop();
});

describe('budget path locking', () => {
  it('returns the path innermost first: cluster, own team, parent team, org', async () => {
    await prisma.budget.createMany({
      data: [
        { orgId: ids.org, scope: 'org', capMicros: 100_000_000n },
        { orgId: ids.org, scope: 'team', teamId: ids.platform, capMicros: 50_000_000n },
        { orgId: ids.org, scope: 'team', teamId: ids.payments, capMicros: 10_000_000n },
      ],
    });
    const client = await pool.connect();
    try {
      await client.query('begin');
      const path = await lockBudgetPath(client, 'root:acme:platform:payments:dev');
      await client.query('commit');
      expect(path.map((b) => `${b.scope} ${b.name}`)).toEqual(['team payments', 'team platform', 'org acme']);
      expect(await lockBudgetPath(client, 'root:other:path')).toEqual([]);
    } finally {
      client.release();
    }
  });

  it('admits exactly as many concurrent $1 changes as the tightest budget allows', async () => {
    const attempts = 50;
    const results = await Promise.all(
      Array.from({ length: attempts }, async () => {
        const client = await pool.connect();
        try {
          await client.query('begin');
          const path = await lockBudgetPath(client, 'root:acme:platform:payments:dev');
          const decision = evaluateBudgets(path, 1_000_000n, 'Service default/web (LoadBalancer)');
          if (decision.allowed)
            await applyBudgetDelta(
              client,
              path.map((b) => b.id),
              1_000_000n,
            );
          await client.query('commit');
          return decision.allowed;
        } catch (err) {
          await client.query('rollback');
          throw err;
        } finally {
          client.release();
        }
      }),
    );
    expect(results.filter(Boolean)).toHaveLength(10);
    const team = await prisma.budget.findFirstOrThrow({ where: { teamId: ids.payments } });
    expect(team.committedMicros).toBe(10_000_000n);
    const org = await prisma.budget.findFirstOrThrow({ where: { scope: 'org' } });
    expect(org.committedMicros).toBe(10_000_000n);
  });
});
