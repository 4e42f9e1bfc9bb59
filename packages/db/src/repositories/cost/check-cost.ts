/**
 * The recompute check: run-rates are kept incrementally on every admitted change; this
 * recomputes them from scratch — every stored object of every live Atrium cluster priced with
 * the org's price book now, plus each cluster's base fee — and compares them, to the
 * micro-dollar, with the recorded object prices and every cost node's committed amount.
 * With `fix`, it rewrites both to the recomputed values (after a price-book change, say).
 */
import {
  type CostTree,
  computeRunRates,
  diffRunRates,
  formatMonthlyMicros,
  isScaleTarget,
  type PriceBook,
  PricingError,
  priceObject,
  type RunRates,
  scaleTargetOf,
} from '@atrium/core';
import type pg from 'pg';
import { applyCostDelta, type CostNode, type CostNodeScope, loadPriceBookSql, type SqlClient } from '../../cost-ledger.js';
import { BASE_FEE_PRICE_KEY, clusterBaseFeeMicros } from './cluster-cost-node.js';

/** The API server's own record of a logical cluster: created with it, never an admitted change, and priced as the base fee instead. */
const LOGICAL_CLUSTER_RESOURCE = 'logicalclusters.core.kcp.io';

export type CostDifference =
  | {
      kind: 'object';
      org: string;
      /** The cluster's kcp path. */
      cluster: string;
      resource: string;
      namespace: string;
      name: string;
      objectKind: string;
      expectedMicros: bigint;
      recordedMicros: bigint;
    }
  | {
      kind: 'node';
      org: string;
      scope: CostNodeScope;
      /** Cluster kcp path, team slug or org slug. */
      name: string;
      expectedMicros: bigint;
      /** Null when the node is missing. */
      committedMicros: bigint | null;
    }
  | { kind: 'unpriceable'; org: string; cluster: string; resource: string; namespace: string; name: string; error: string };

export interface CostCheckReport {
  orgs: number;
  clusters: number;
  /** Stored objects priced (base fees not included). */
  pricedObjects: number;
  differences: CostDifference[];
  /** True when `fix` rewrote the differences (unpriceable objects are left as they are). */
  fixed: boolean;
}

export interface CostCheckOptions {
  /** Only this org. */
  orgSlug?: string;
  fix?: boolean;
  /** The price book's instant (default now). */
  at?: Date;
}

export class UnknownOrgError extends Error {
  override readonly name = 'UnknownOrgError';
}

interface ClusterSqlRow extends Record<string, unknown> {
  id: string;
  name: string;
  kcpPath: string;
  teamId: string;
  regions: string[];
  labels: unknown;
  phase: string;
  baseFeeMicros: string;
}

interface NodeSqlRow extends Record<string, unknown> {
  id: string;
  scope: CostNodeScope;
  teamId: string | null;
  logicalClusterId: string | null;
  capMicros: string | null;
  committedMicros: string;
  alertedPercent: number;
}

interface PriceSqlRow extends Record<string, unknown> {
  logicalClusterId: string;
  resource: string;
  namespace: string;
  name: string;
  kind: string;
  priceMicros: string;
}

interface StoredSqlRow extends Record<string, unknown> {
  resource: string;
  namespace: string;
  name: string;
  value: string;
}

const keyOf = (clusterId: string, resource: string, namespace: string, name: string) => JSON.stringify([clusterId, resource, namespace, name]);

/** An object about to be removed (no finalizers left) costs nothing, as admission prices it. */
function finalizing(object: unknown): boolean {
  const metadata = (object as { metadata?: { deletionTimestamp?: unknown; finalizers?: unknown[] } } | null)?.metadata;
  return !!metadata?.deletionTimestamp && (metadata.finalizers ?? []).length === 0;
}

async function hasApiserverSchema(client: SqlClient): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>(
    `select to_regclass('apiserver.objects') is not null and to_regclass('apiserver.logical_clusters') is not null as ok`,
  );
  return rows[0]?.ok === true;
}

interface OrgResult {
  clusters: number;
  pricedObjects: number;
  differences: CostDifference[];
}

/** Checks (and with `fix`, repairs) one org inside the caller's transaction. */
async function checkOrg(client: SqlClient, org: { id: string; slug: string }, o: { fix: boolean; at: Date; storage: boolean }): Promise<OrgResult> {
  if (o.fix) {
    // Every node of the org, in id order as admission locks them: no admitted change in this
    // org can interleave with the recompute and the rewrite.
    await client.query(`select id from "Budget" where "orgId" = $1 order by id for update`, [org.id]);
  }
  const clusters = (
    await client.query<ClusterSqlRow>(
      `select lc.id, lc.name, lc."kcpPath", lc."teamId", lc.regions, lc.labels, lc.phase::text as phase, t."baseFeeMicros"::text as "baseFeeMicros"
         from "LogicalCluster" lc join "ClusterTemplate" t on t.id = lc."templateId"
        where lc."orgId" = $1 order by lc."kcpPath", lc.id`,
      [org.id],
    )
  ).rows;
  const teams = (
    await client.query<{ id: string; parentId: string | null; slug: string }>(`select id, "parentId", slug from "Team" where "orgId" = $1`, [org.id])
  ).rows;
  const nodes = (
    await client.query<NodeSqlRow>(
      `select id, scope::text as scope, "teamId", "logicalClusterId", "capMicros"::text as "capMicros", "committedMicros"::text as "committedMicros", "alertedPercent"
         from "Budget" where "orgId" = $1 order by id`,
      [org.id],
    )
  ).rows;
  const recorded = (
    await client.query<PriceSqlRow>(
      `select "logicalClusterId", resource, namespace, name, kind, "priceMicros"::text as "priceMicros" from "ObjectPrice" where "orgId" = $1`,
      [org.id],
    )
  ).rows;
  const book: PriceBook = await loadPriceBookSql(client, org.id, o.at);

  const live = clusters.filter((c) => c.phase !== 'Deleted');
  const pathOf = new Map(clusters.map((c) => [c.id, c.kcpPath]));
  const differences: CostDifference[] = [];
  const expected = new Map<string, { clusterId: string; resource: string; namespace: string; name: string; kind: string; priceMicros: bigint }>();
  let pricedObjects = 0;
  for (const c of live) {
    const fee = clusterBaseFeeMicros(book, { name: c.name, labels: c.labels, regions: c.regions, templateBaseFeeMicros: BigInt(c.baseFeeMicros) });
    if (fee !== 0n) expected.set(keyOf(c.id, '', '', ''), { clusterId: c.id, ...BASE_FEE_PRICE_KEY, priceMicros: fee });
    if (!o.storage) continue;
    const stored = (
      await client.query<StoredSqlRow>(
        `select o.resource, o.namespace, o.name, o.value
           from apiserver.logical_clusters l join apiserver.objects o on o.cluster = l.name
          where l.path = $1 and o.resource <> $2`,
        [c.kcpPath, LOGICAL_CLUSTER_RESOURCE],
      )
    ).rows;
    const region = c.regions[0];
    // An autoscaler is priced with its scale target as stored beside it, as admission prices it.
    const parsed = stored.map((s) => {
      try {
        return JSON.parse(s.value) as unknown;
      } catch (e) {
        return e as SyntaxError;
      }
    });
    for (const [i, s] of stored.entries()) {
      pricedObjects += 1;
      let object: unknown;
      let priceMicros: bigint;
      try {
        object = parsed[i];
        if (object instanceof SyntaxError) throw object;
        const ref = scaleTargetOf(object);
        const scaleTarget = ref
          ? (parsed.find((o, j) => !(o instanceof SyntaxError) && !finalizing(o) && stored[j]!.namespace === s.namespace && isScaleTarget(ref, o)) ?? null)
          : undefined;
        priceMicros = finalizing(object)
          ? 0n
          : priceObject(object, book, { ...(region !== undefined ? { region } : {}), ...(scaleTarget !== undefined ? { scaleTarget } : {}) }).priceMicros;
      } catch (e) {
        if (!(e instanceof PricingError || e instanceof SyntaxError)) throw e;
        differences.push({
          kind: 'unpriceable',
          org: org.slug,
          cluster: c.kcpPath,
          resource: s.resource,
          namespace: s.namespace,
          name: s.name,
          error: e.message,
        });
        continue;
      }
      if (priceMicros === 0n) continue;
      const kind = String((object as { kind?: unknown }).kind ?? '');
      expected.set(keyOf(c.id, s.resource, s.namespace, s.name), {
        clusterId: c.id,
        resource: s.resource,
        namespace: s.namespace,
        name: s.name,
        kind,
        priceMicros,
      });
    }
  }

  // Per object: recomputed against recorded (a missing row is 0).
  const recordedByKey = new Map(recorded.map((r) => [keyOf(r.logicalClusterId, r.resource, r.namespace, r.name), r]));
  const objectDiffs: Extract<CostDifference, { kind: 'object' }>[] = [];
  const objectFixes: { clusterId: string; resource: string; namespace: string; name: string; kind: string; priceMicros: bigint }[] = [];
  for (const key of [...new Set([...expected.keys(), ...recordedByKey.keys()])].sort()) {
    const e = expected.get(key);
    const r = recordedByKey.get(key);
    const expectedMicros = e?.priceMicros ?? 0n;
    const recordedMicros = r ? BigInt(r.priceMicros) : 0n;
    if (expectedMicros === recordedMicros) continue;
    const where = (e ?? r)!;
    const clusterId = e?.clusterId ?? r!.logicalClusterId;
    objectDiffs.push({
      kind: 'object',
      org: org.slug,
      cluster: pathOf.get(clusterId) ?? clusterId,
      resource: where.resource,
      namespace: where.namespace,
      name: where.name,
      objectKind: e?.kind ?? r!.kind,
      expectedMicros,
      recordedMicros,
    });
    objectFixes.push({
      clusterId,
      resource: where.resource,
      namespace: where.namespace,
      name: where.name,
      kind: e?.kind ?? r!.kind,
      priceMicros: expectedMicros,
    });
  }
  differences.push(...objectDiffs);

  // Per node: the recomputed prices summed up the tree against every committed amount.
  const tree: CostTree = {
    orgId: org.id,
    teamParents: new Map(teams.map((t) => [t.id, t.parentId])),
    clusterTeams: new Map(clusters.map((c) => [c.id, c.teamId])),
  };
  const want = computeRunRates(tree, expected.values());
  const nodeOf = (scope: CostNodeScope, id: string) =>
    nodes.find((n) => n.scope === scope && (scope === 'org' || (scope === 'team' ? n.teamId === id : n.logicalClusterId === id)));
  const have: RunRates = {
    clusters: new Map(nodes.filter((n) => n.scope === 'cluster' && n.logicalClusterId).map((n) => [n.logicalClusterId!, BigInt(n.committedMicros)])),
    teams: new Map(nodes.filter((n) => n.scope === 'team' && n.teamId).map((n) => [n.teamId!, BigInt(n.committedMicros)])),
    orgMicros: BigInt(nodeOf('org', org.id)?.committedMicros ?? '0'),
  };
  const nameOf = (scope: CostNodeScope, id: string) =>
    scope === 'org' ? org.slug : scope === 'team' ? (teams.find((t) => t.id === id)?.slug ?? id) : (pathOf.get(id) ?? id);
  const nodeDiffs = new Map<string, { scope: CostNodeScope; id: string; expectedMicros: bigint }>();
  for (const d of diffRunRates(want, have)) {
    const id = d.node.scope === 'org' ? org.id : d.node.id;
    nodeDiffs.set(`${d.node.scope}:${id}`, { scope: d.node.scope, id, expectedMicros: d.expectedMicros });
  }
  // Nodes that should exist and do not: the org, every team, every live cluster.
  const required: { scope: CostNodeScope; id: string }[] = [
    { scope: 'org', id: org.id },
    ...teams.map((t) => ({ scope: 'team' as const, id: t.id })),
    ...live.map((c) => ({ scope: 'cluster' as const, id: c.id })),
  ];
  for (const r of required) {
    if (!nodeOf(r.scope, r.id) && !nodeDiffs.has(`${r.scope}:${r.id}`)) nodeDiffs.set(`${r.scope}:${r.id}`, { ...r, expectedMicros: 0n });
  }
  const scopeOrder: Record<CostNodeScope, number> = { org: 0, team: 1, cluster: 2 };
  const sortedNodeDiffs = [...nodeDiffs.values()].sort(
    (a, b) => scopeOrder[a.scope] - scopeOrder[b.scope] || nameOf(a.scope, a.id).localeCompare(nameOf(b.scope, b.id)),
  );
  for (const d of sortedNodeDiffs) {
    const n = nodeOf(d.scope, d.id);
    differences.push({
      kind: 'node',
      org: org.slug,
      scope: d.scope,
      name: nameOf(d.scope, d.id),
      expectedMicros: d.expectedMicros,
      committedMicros: n ? BigInt(n.committedMicros) : null,
    });
  }

  if (o.fix) {
    for (const f of objectFixes) {
      if (f.priceMicros === 0n) {
        await client.query(`delete from "ObjectPrice" where "logicalClusterId" = $1 and resource = $2 and namespace = $3 and name = $4`, [
          f.clusterId,
          f.resource,
          f.namespace,
          f.name,
        ]);
      } else {
        await client.query(
          `insert into "ObjectPrice" ("orgId", "logicalClusterId", resource, namespace, name, kind, "priceMicros", "updatedAt")
           values ($1, $2, $3, $4, $5, $6, $7::bigint, now())
           on conflict ("logicalClusterId", resource, namespace, name)
           do update set kind = excluded.kind, "priceMicros" = excluded."priceMicros", "updatedAt" = now()`,
          [org.id, f.clusterId, f.resource, f.namespace, f.name, f.kind, f.priceMicros.toString()],
        );
      }
    }
    for (const d of sortedNodeDiffs) {
      let n = nodeOf(d.scope, d.id);
      if (!n) {
        const created = await client.query<NodeSqlRow>(
          `insert into "Budget" (id, "orgId", scope, "teamId", "logicalClusterId", "capMicros", "committedMicros", "updatedAt")
           values ('cn_' || md5(random()::text || $2), $1, $3::"BudgetScope", $4, $5, null, 0, now())
           returning id, scope::text as scope, "teamId", "logicalClusterId", "capMicros"::text as "capMicros", "committedMicros"::text as "committedMicros", "alertedPercent"`,
          [org.id, d.id, d.scope, d.scope === 'team' ? d.id : null, d.scope === 'cluster' ? d.id : null],
        );
        n = created.rows[0]!;
      }
      const node: CostNode = {
        id: n.id,
        scope: d.scope,
        name: nameOf(d.scope, d.id),
        capMicros: n.capMicros === null ? null : BigInt(n.capMicros),
        committedMicros: BigInt(n.committedMicros),
        alertedPercent: Number(n.alertedPercent),
      };
      // Through the ledger, so the correction leaves a snapshot and crosses alert thresholds like any change.
      await applyCostDelta(
        client,
        { orgId: org.id, logicalClusterId: '', clusterName: '', regions: [], nodes: [node] },
        d.expectedMicros - node.committedMicros,
      );
    }
  }
  return { clusters: live.length, pricedObjects, differences };
}

/**
 * Runs the check over every org (or one): each org in a transaction of its own — a consistent
 * snapshot for the check, the org's nodes locked for the fix.
 */
export async function checkCost(pool: pg.Pool, o: CostCheckOptions = {}): Promise<CostCheckReport> {
  const at = o.at ?? new Date();
  const fix = o.fix === true;
  const orgs = (
    await pool.query<{ id: string; slug: string }>(
      `select id, slug from "Organization" ${o.orgSlug !== undefined ? 'where slug = $1' : ''} order by slug`,
      o.orgSlug !== undefined ? [o.orgSlug] : [],
    )
  ).rows;
  if (o.orgSlug !== undefined && orgs.length === 0) throw new UnknownOrgError(`no org with the slug "${o.orgSlug}"`);
  const report: CostCheckReport = { orgs: orgs.length, clusters: 0, pricedObjects: 0, differences: [], fixed: false };
  const storage = await hasApiserverSchema(pool);
  for (const org of orgs) {
    const client = await pool.connect();
    try {
      await client.query(fix ? 'begin' : 'begin isolation level repeatable read read only');
      const result = await checkOrg(client, org, { fix, at, storage });
      await client.query('commit');
      report.clusters += result.clusters;
      report.pricedObjects += result.pricedObjects;
      report.differences.push(...result.differences);
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }
  report.fixed = fix && report.differences.some((d) => d.kind !== 'unpriceable');
  return report;
}

const money = (micros: bigint) => `${formatMonthlyMicros(micros)} (${micros} micro-$)`;

/** One line per difference, then the summary; what `npm run cost:check` prints. */
export function formatCostCheckReport(r: CostCheckReport): string {
  const counts = `${r.orgs} org${r.orgs === 1 ? '' : 's'}, ${r.clusters} cluster${r.clusters === 1 ? '' : 's'}, ${r.pricedObjects} priced object${r.pricedObjects === 1 ? '' : 's'}`;
  if (r.differences.length === 0) return `ok: ${counts}, all agree to the micro-dollar`;
  const lines = r.differences.map((d) => {
    if (d.kind === 'object') {
      const what = d.resource === '' ? 'base fee' : `${d.objectKind} ${d.namespace ? `${d.namespace}/` : ''}${d.name} (${d.resource})`;
      return `${d.org}: ${what} in ${d.cluster}: expected ${money(d.expectedMicros)}, recorded ${money(d.recordedMicros)}`;
    }
    if (d.kind === 'node') {
      return `${d.org}: ${d.scope} ${d.name} run-rate: expected ${money(d.expectedMicros)}, committed ${d.committedMicros === null ? 'nothing (no cost node)' : money(d.committedMicros)}`;
    }
    return `${d.org}: ${d.namespace ? `${d.namespace}/` : ''}${d.name} (${d.resource}) in ${d.cluster} cannot be priced: ${d.error}`;
  });
  const n = r.differences.length;
  const tail = r.fixed
    ? `fixed: ${n} difference${n === 1 ? '' : 's'} rewritten to the recomputed values (${counts})`
    : `FAILED: ${n} difference${n === 1 ? '' : 's'} (${counts}); \`npm run cost:check -- --fix\` rewrites recorded prices and committed amounts to the recomputed values`;
  return [...lines, tail].join('\n');
}
