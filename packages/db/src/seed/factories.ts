import type { Role } from '@atrium/core';
import type { PrismaClient } from '../generated/prisma/client.js';

/**
 * Factories for integration tests and seeds: a verified user, an org with
 * members in given roles. Passwordless users skip argon2 (tens of ms each);
 * tests that sign in create users through `createUserWithPassword`.
 */
let counter = 0;

export async function makeUser(db: PrismaClient, label = 'user', o: { verified?: boolean } = {}) {
  counter += 1;
  return db.user.create({
    data: {
      email: `${label}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.test`,
      name: label,
      emailVerified: o.verified === false ? null : new Date(),
    },
  });
}

export async function makeOrg(db: PrismaClient, slug: string, members: Partial<Record<string, Role>> & Record<string, Role>) {
  // With its cost node, as `createOrganization` makes every org.
  const org = await db.organization.create({ data: { slug, name: slug.toUpperCase(), budgets: { create: { scope: 'org', capMicros: null } } } });
  const users: Record<string, Awaited<ReturnType<typeof makeUser>>> = {};
  const memberships: Record<string, { id: string; role: Role }> = {};
  for (const [label, role] of Object.entries(members)) {
    const user = await makeUser(db, `${slug}-${label}`);
    users[label] = user;
    const m = await db.membership.create({ data: { orgId: org.id, userId: user.id, role } });
    memberships[label] = { id: m.id, role };
  }
  return { org, users, memberships };
}
