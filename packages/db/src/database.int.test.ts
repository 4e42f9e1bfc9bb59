import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from './client.js';
import { createTestDatabase, type TestDatabase } from './testing.js';

describe('migrated database (real Postgres)', () => {
  let db: TestDatabase;
  let client: PrismaClient;
  beforeAll(async () => {
    db = await createTestDatabase();
    client = createPrismaClient(db.url, 2);
  });
  afterAll(async () => {
    await client.$disconnect();
    await db.drop();
  });

  it('stores an org with an owner and enforces unique slugs', async () => {
    const user = await client.user.create({ data: { email: 'ada@example.com', name: 'Ada' } });
    const org = await client.organization.create({
      data: { slug: 'acme', name: 'Acme', memberships: { create: { userId: user.id, role: 'owner' } } },
      include: { memberships: true },
    });
    expect(org.memberships[0]?.role).toBe('owner');
    await expect(client.organization.create({ data: { slug: 'acme', name: 'Other' } })).rejects.toThrow(/Unique constraint/);
  });

  it('keeps money as exact integers (BigInt micro-dollars)', async () => {
    const org = await client.organization.create({ data: { slug: 'money', name: 'Money' } });
    const cap = 9_007_199_254_740_993n; // beyond Number.MAX_SAFE_INTEGER
    const budget = await client.budget.create({ data: { orgId: org.id, scope: 'org', capMicros: cap } });
    expect((await client.budget.findUniqueOrThrow({ where: { id: budget.id } })).capMicros).toBe(cap);
  });
});

describe('demo seed', () => {
  it('is idempotent', async () => {
    const { seedDemo } = await import('./seed/demo.js');
    const db = await createTestDatabase();
    const client = createPrismaClient(db.url, 2);
    try {
      await seedDemo(client);
      await seedDemo(client);
      expect(await client.user.count()).toBe(1);
      expect(await client.membership.count({ where: { role: 'owner' } })).toBe(1);
      expect(await client.team.count()).toBe(1);
    } finally {
      await client.$disconnect();
      await db.drop();
    }
  });
});
