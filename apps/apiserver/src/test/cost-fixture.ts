/**
 * An Atrium-shaped org for the cost admission tests: Prisma rows (org, a team
 * chain, a template, one live LogicalCluster per requested cluster, a cost
 * node for each) plus the matching logical clusters in the API server, and
 * the platform's default price book.
 */

import { defaultPlatformPriceBookEntries } from '@atrium/core';
import { addPriceBookEntries, createPrismaClient, type PrismaClient } from '@atrium/db';
import pg from 'pg';
import type { TestServer } from './harness.js';

export interface CostWorld {
  prisma: PrismaClient;
  pool: pg.Pool;
  orgId: string;
  orgSlug: string;
  /** Team ids, outermost first. */
  teams: { id: string; slug: string }[];
  clusters: { id: string; name: string; kcpPath: string }[];
  /** Budget node ids by `org`, `team:<slug>`, `cluster:<name>`. */
  nodes: Map<string, string>;
  setCap(node: string, capMicros: bigint | null): Promise<void>;
  committed(node: string): Promise<bigint>;
  close(): Promise<void>;
}

/** Creates `root:<org>:<team1>:…:<teamN>:<cluster>` for each cluster name. */
export async function createCostWorld(t: TestServer, o: { org: string; teams: string[]; clusters: string[] }): Promise<CostWorld> {
  const prisma = createPrismaClient(t.database.url, 2);
  const pool = new pg.Pool({ connectionString: t.database.url, max: 4 });
  await addPriceBookEntries(prisma, defaultPlatformPriceBookEntries());
  const org = await prisma.organization.create({ data: { slug: o.org, name: o.org } });
  const nodes = new Map<string, string>();
  nodes.set('org', (await prisma.budget.create({ data: { orgId: org.id, scope: 'org' } })).id);
  const teams: CostWorld['teams'] = [];
  let parentId: string | null = null;
  let path = `root:${o.org}`;
  await t.server.clusters.create(path);
  for (const slug of o.teams) {
    const team: { id: string } = await prisma.team.create({ data: { orgId: org.id, slug, name: slug, parentId } });
    teams.push({ id: team.id, slug });
    nodes.set(`team:${slug}`, (await prisma.budget.create({ data: { orgId: org.id, scope: 'team', teamId: team.id } })).id);
    parentId = team.id;
    path = `${path}:${slug}`;
    await t.server.clusters.create(path);
  }
  const template = await prisma.clusterTemplate.create({ data: { orgId: org.id, slug: 'std', name: 'Std', apiSets: [], allowedRegions: [] } });
  const clusters: CostWorld['clusters'] = [];
  for (const name of o.clusters) {
    const kcpPath = `${path}:${name}`;
    const lc = await prisma.logicalCluster.create({
      data: { orgId: org.id, teamId: parentId!, name, kcpPath, templateId: template.id, regions: [], phase: 'Ready' },
    });
    nodes.set(`cluster:${name}`, (await prisma.budget.create({ data: { orgId: org.id, scope: 'cluster', logicalClusterId: lc.id } })).id);
    await t.server.clusters.create(kcpPath);
    clusters.push({ id: lc.id, name, kcpPath });
  }
  const nodeId = (node: string) => {
    const id = nodes.get(node);
    if (!id) throw new Error(`no cost node ${node}`);
    return id;
  };
  return {
    prisma,
    pool,
    orgId: org.id,
    orgSlug: o.org,
    teams,
    clusters,
    nodes,
    async setCap(node, capMicros) {
      await prisma.budget.update({ where: { id: nodeId(node) }, data: { capMicros } });
    },
    async committed(node) {
      return (await prisma.budget.findUniqueOrThrow({ where: { id: nodeId(node) } })).committedMicros;
    },
    async close() {
      await pool.end();
      await prisma.$disconnect();
    },
  };
}

/**
 * The ledger invariant, straight from SQL: every node's committed amount is
 * the sum of the recorded prices of the live clusters under it.
 */
export async function ledgerMismatches(pool: pg.Pool, orgId: string): Promise<{ id: string; committed: string; expected: string }[]> {
  const { rows } = await pool.query<{ id: string; committed: string; expected: string }>(
    `with recursive sub(root, team) as (
       select id, id from "Team" where "orgId" = $1
       union all
       select s.root, t.id from sub s join "Team" t on t."parentId" = s.team
     ), prices as (
       select lc.id as cluster, lc."teamId" as team, coalesce(sum(op."priceMicros"), 0) as micros
         from "LogicalCluster" lc left join "ObjectPrice" op on op."logicalClusterId" = lc.id
        where lc."orgId" = $1 and lc.phase not in ('Deleted', 'Failed')
        group by lc.id, lc."teamId"
     )
     select b.id, b."committedMicros"::text as committed,
            (case b.scope
               when 'cluster' then (select coalesce(sum(micros), 0) from prices where cluster = b."logicalClusterId")
               when 'team' then (select coalesce(sum(micros), 0) from prices where team in (select team from sub where root = b."teamId"))
               else (select coalesce(sum(micros), 0) from prices)
             end)::text as expected
       from "Budget" b where b."orgId" = $1`,
    [orgId],
  );
  return rows.filter((r) => r.committed !== r.expected);
}
