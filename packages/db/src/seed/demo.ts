import { hashPassword } from '@atrium/core';
import type { PrismaClient } from '../generated/prisma/client.js';

export const DEMO = {
  email: 'demo@atrium.local',
  password: 'atrium-demo-password',
  name: 'Demo Developer',
  orgSlug: 'demo',
  orgName: 'Demo Org',
} as const;

/**
 * Idempotent demo data for `npm start`: a verified demo user who owns the
 * demo org, with a `platform` team. Re-running changes nothing.
 */
export async function seedDemo(client: PrismaClient): Promise<typeof DEMO> {
  const existing = await client.user.findUnique({ where: { email: DEMO.email } });
  const user =
    existing ??
    (await client.user.create({
      data: { email: DEMO.email, name: DEMO.name, passwordHash: await hashPassword(DEMO.password), emailVerified: new Date(), isPlatformAdmin: true },
    }));
  const org = await client.organization.upsert({ where: { slug: DEMO.orgSlug }, update: {}, create: { slug: DEMO.orgSlug, name: DEMO.orgName } });
  await client.membership.upsert({
    where: { orgId_userId: { orgId: org.id, userId: user.id } },
    update: {},
    create: { orgId: org.id, userId: user.id, role: 'owner' },
  });
  await client.team.upsert({
    where: { orgId_slug: { orgId: org.id, slug: 'platform' } },
    update: {},
    create: { orgId: org.id, slug: 'platform', name: 'Platform' },
  });
  return DEMO;
}
