import { defaultPlatformPriceBookEntries, hashPassword } from '@atrium/core';
import type { PrismaClient } from '../generated/prisma/client.js';
import { addPriceBookEntries } from '../repositories/price-book/add-price-book-entries.js';

export const DEMO = {
  email: 'demo@atrium.local',
  password: 'atrium-demo-password',
  name: 'Demo Developer',
  orgSlug: 'demo',
  orgName: 'Demo Org',
} as const;

/**
 * Idempotent demo data for `npm start`: a verified demo user who owns the
 * demo org, with a `platform` team (each with its cost node). Re-running changes nothing.
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
  const platform = await client.team.upsert({
    where: { orgId_slug: { orgId: org.id, slug: 'platform' } },
    update: {},
    create: { orgId: org.id, slug: 'platform', name: 'Platform' },
  });
  // Cost nodes, as `createOrganization` and `createTeam` make them (no caps).
  for (const node of [
    { orgId: org.id, scope: 'org' as const, teamId: null },
    { orgId: org.id, scope: 'team' as const, teamId: platform.id },
  ]) {
    if (!(await client.budget.findFirst({ where: node }))) await client.budget.create({ data: { ...node, capMicros: null } });
  }
  await seedPlatformCatalog(client);
  // The org's own template, limited to team `platform` by org policy: shows a denial for any other team.
  const production = await client.clusterTemplate.findFirst({ where: { orgId: org.id, slug: 'production' } });
  if (!production) {
    await client.clusterTemplate.create({
      data: {
        orgId: org.id,
        slug: 'production',
        name: 'Production',
        description: 'Restricted security, EU only, for the platform team.',
        apiSets: ['workloads', 'networking'],
        allowedRegions: ['eu-west'],
        defaultBudgetMicros: 100_000_000n,
        maxBudgetMicros: 500_000_000n,
        podSecurity: 'restricted',
        maxClustersPerTeam: 3,
        restrictedToTeams: true,
        teams: { create: [{ teamId: platform.id }] },
      },
    });
  }
  return DEMO;
}

export const DEMO_REGIONS = [
  { slug: 'eu-west', displayName: 'EU West' },
  { slug: 'us-east', displayName: 'US East' },
] as const;

/**
 * Platform data every installation starts with: two regions, the `standard` template
 * (visible to every org) and the platform price book's defaults (core's `DEFAULT_PRICE_RULES`,
 * in force since the epoch). Created when missing, never overwritten: an operator's edits stay,
 * and a later platform price is a new entry with a later date.
 */
export async function seedPlatformCatalog(client: PrismaClient): Promise<void> {
  for (const region of DEMO_REGIONS) {
    await client.region.upsert({ where: { slug: region.slug }, update: {}, create: region });
  }
  // Platform templates have orgId null, which a compound unique cannot upsert on.
  if (!(await client.clusterTemplate.findFirst({ where: { orgId: null, slug: 'standard' } }))) {
    await client.clusterTemplate.create({
      data: {
        orgId: null,
        slug: 'standard',
        name: 'Standard',
        description: 'A general-purpose cluster: workloads and networking APIs, baseline pod security.',
        apiSets: ['workloads', 'networking'],
        allowedRegions: ['eu-west', 'us-east'],
        defaultBudgetMicros: 20_000_000n,
        maxBudgetMicros: 200_000_000n,
        podSecurity: 'baseline',
      },
    });
  }
  await addPriceBookEntries(client, defaultPlatformPriceBookEntries());
}
