/**
 * The cost ledger: run-rates kept incrementally on every admitted change, in raw SQL on a
 * caller-supplied connection. The API server runs these inside the same pg transaction as the
 * object write (Prisma cannot join that transaction); Prisma callers pass
 * `prismaSqlClient(tx)`.
 *
 * Every org, team and live logical cluster has one cost node (a `Budget` row, `capMicros` null
 * when no budget is set) whose `committedMicros` is the run-rate under it. A change locks the
 * nodes on its path (cluster → teams upward → org) with `for update` in id order, so two
 * server replicas can never both spend the same headroom and concurrent writers never
 * deadlock; the lock is taken before the API server's global write lock, never after.
 */
import { randomUUID } from 'node:crypto';
import { alertTransition, type Budget, type PriceBook, priceBookAt } from '@atrium/core';
import pg from 'pg';
import type { PriceBookEntry as PriceBookEntryRow } from './generated/prisma/client.js';
import { entryFromRow } from './repositories/price-book/price-book-row.js';

export interface SqlClient {
  query<R extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

interface RawQueryable {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

/** A Prisma client or interactive transaction as a `SqlClient`, so Prisma callers share the ledger. */
export function prismaSqlClient(tx: RawQueryable): SqlClient {
  return {
    async query<R>(text: string, values: unknown[] = []) {
      return { rows: await tx.$queryRawUnsafe<R[]>(text, ...values) };
    },
  };
}

export type CostNodeScope = 'org' | 'team' | 'cluster';

export interface CostNode {
  id: string;
  scope: CostNodeScope;
  /** Cluster name, team slug or org slug: how budget messages name the node. */
  name: string;
  /** Null when no budget is set on this node. */
  capMicros: bigint | null;
  /** The run-rate under this node. */
  committedMicros: bigint;
  alertedPercent: number;
}

export interface CostPath {
  orgId: string;
  logicalClusterId: string;
  clusterName: string;
  regions: string[];
  /** Innermost first: the cluster, its team and the teams above it, the org. */
  nodes: CostNode[];
}

export interface ObjectPriceKey {
  /** The API server's storage resource key ("services", "deployments.apps"); '' for the cluster's base fee. */
  resource: string;
  namespace: string;
  name: string;
}

/** The kind recorded for a cluster's own base fee row (resource, namespace and name all ''). */
export const BASE_FEE_KEY: ObjectPriceKey = { resource: '', namespace: '', name: '' };

interface PathRow extends Record<string, unknown> {
  id: string;
  scope: CostNodeScope;
  name: string;
  depth: number;
  capMicros: string | null;
  committedMicros: string;
  alertedPercent: number;
  orgId: string;
  logicalClusterId: string;
  clusterName: string;
  regions: string[];
}

// `lc` is supplied by the caller (by kcp path or by id). Each node is found through an index
// (cluster node by its cluster, team nodes by team, the org node by org), never by scanning the
// org's nodes: this runs on every priced write. Amounts come from the `Budget` row joined last,
// not from a CTE: after waiting for a `for update` lock, Postgres re-reads the locked row, while
// a CTE keeps its old snapshot (a stale-read bug found by the 50-writer test).
function pathQuery(lcWhere: string, lock: boolean): string {
  return `with recursive lc as (
       select id, "orgId", "teamId", name, regions from "LogicalCluster" where ${lcWhere} limit 1
     ), team_chain as (
       select t.id, t."parentId", t.slug, 1 as depth from "Team" t join lc on t.id = lc."teamId" and t."orgId" = lc."orgId"
       union all
       select p.id, p."parentId", p.slug, c.depth + 1 from "Team" p join team_chain c on p.id = c."parentId"
     ), path as (
       select b.id, 'cluster' as scope, lc.name, 0 as depth
         from lc join "Budget" b on b."orgId" = lc."orgId" and b.scope = 'cluster' and b."teamId" is null and b."logicalClusterId" = lc.id
       union all
       select b.id, 'team', tc.slug, tc.depth
         from team_chain tc cross join lc join "Budget" b on b."orgId" = lc."orgId" and b.scope = 'team' and b."teamId" = tc.id and b."logicalClusterId" is null
       union all
       select b.id, 'org', o.slug, 1000000
         from lc join "Organization" o on o.id = lc."orgId"
         join "Budget" b on b."orgId" = lc."orgId" and b.scope = 'org' and b."teamId" is null and b."logicalClusterId" is null
     )
     select path.id, path.scope, path.name, path.depth,
            node."capMicros"::text as "capMicros", node."committedMicros"::text as "committedMicros", node."alertedPercent",
            lc."orgId", lc.id as "logicalClusterId", lc.name as "clusterName", lc.regions
       from path join "Budget" node on node.id = path.id cross join lc
      order by path.id
      ${lock ? 'for update of node' : ''}`;
}

async function costPath(client: SqlClient, lcWhere: string, value: string, lock: boolean): Promise<CostPath | undefined> {
  const { rows } = await client.query<PathRow>(pathQuery(lcWhere, lock), [value]);
  return toCostPath(rows);
}

function toCostPath(rows: PathRow[]): CostPath | undefined {
  const first = rows[0];
  if (!first) return undefined;
  return {
    orgId: first.orgId,
    logicalClusterId: first.logicalClusterId,
    clusterName: first.clusterName,
    regions: first.regions,
    nodes: rows
      .sort((a, b) => a.depth - b.depth)
      .map((r) => ({
        id: r.id,
        scope: r.scope,
        name: r.name,
        capMicros: r.capMicros === null ? null : BigInt(r.capMicros),
        committedMicros: BigInt(r.committedMicros),
        alertedPercent: Number(r.alertedPercent),
      })),
  };
}

const LIVE_BY_PATH = `"kcpPath" = $1 and phase not in ('Deleted', 'Failed')`;

/**
 * Locks the cost nodes on a live Atrium logical cluster's path and returns them, innermost
 * first. Undefined when `kcpPath` is not a live Atrium cluster (org and team workspaces, root).
 */
export function lockCostPath(client: SqlClient, kcpPath: string): Promise<CostPath | undefined> {
  return costPath(client, LIVE_BY_PATH, kcpPath, true);
}

/** The same path without locks: for dry runs and previews, which reserve nothing. */
export function readCostPath(client: SqlClient, kcpPath: string): Promise<CostPath | undefined> {
  return costPath(client, LIVE_BY_PATH, kcpPath, false);
}

/** A pg connection that can send several statements in one simple-protocol message. */
export interface SimpleQueryClient {
  query(text: string): Promise<unknown>;
}

const LOCK_PATH_STATEMENT = 'atrium_cost_lock_path';
const LOCK_PRICE_STATEMENT = 'atrium_cost_lock_price';
/** Connections that hold both prepared statements (a pool hands out the same client objects again). */
const prepared = new WeakSet<object>();

/**
 * Prepares the hot-path statements once per connection: planning the path query costs more than
 * running it (≈0.6 ms against ≈0.3 ms). PREPARE is not transactional and has no IF NOT EXISTS,
 * so "already exists" (an earlier attempt that failed after preparing) counts as done.
 */
async function prepareLockStatements(client: SimpleQueryClient): Promise<void> {
  if (prepared.has(client)) return;
  const price = `select "priceMicros"::text as "priceMicros" from "ObjectPrice"
      where "logicalClusterId" = (select id from "LogicalCluster" where ${LIVE_BY_PATH} limit 1)
        and resource = $2 and namespace = $3 and name = $4 for update`;
  for (const statement of [
    `prepare ${LOCK_PATH_STATEMENT}(text) as ${pathQuery(LIVE_BY_PATH, true)}`,
    `prepare ${LOCK_PRICE_STATEMENT}(text, text, text, text) as ${price}`,
  ]) {
    try {
      await client.query(statement);
    } catch (err) {
      if ((err as { code?: string }).code !== '42P05') throw err;
    }
  }
  prepared.add(client);
}

/**
 * `lockCostPath` and `recordedPrice` (and, with `begin`, the transaction's BEGIN) in ONE round
 * trip of prepared statements: several statements in one simple-protocol message, values inlined
 * as escaped literals (that protocol has no parameters). This is the priced-write hot path, where
 * a round trip or a plan costs more than the statements themselves. Each statement still takes
 * its own snapshot (READ COMMITTED), so the price is read after the path lock is held: a writer
 * that waited for the lock sees the price its predecessor committed.
 */
export async function lockCostPathAndPrice(
  client: SimpleQueryClient,
  kcpPath: string,
  key: ObjectPriceKey,
  options: { begin?: boolean } = {},
): Promise<{ path: CostPath; oldPriceMicros: bigint } | undefined> {
  await prepareLockStatements(client);
  const lit = pg.escapeLiteral;
  const statements = [
    ...(options.begin ? ['begin'] : []),
    `execute ${LOCK_PATH_STATEMENT}(${lit(kcpPath)})`,
    `execute ${LOCK_PRICE_STATEMENT}(${[kcpPath, key.resource, key.namespace, key.name].map(lit).join(', ')})`,
  ];
  const results = (await client.query(statements.join('; '))) as { rows: Record<string, unknown>[] }[];
  const [pathResult, priceResult] = results.slice(options.begin ? 1 : 0);
  const path = toCostPath((pathResult?.rows ?? []) as PathRow[]);
  if (!path) return undefined;
  const row = priceResult?.rows[0] as { priceMicros: string } | undefined;
  return { path, oldPriceMicros: row ? BigInt(row.priceMicros) : 0n };
}

/** The nodes that have a budget, as core `Budget`s (innermost first) for `evaluateBudgets`. */
export function budgetsOf(path: CostPath): Budget[] {
  return path.nodes.flatMap((n) =>
    n.capMicros === null ? [] : [{ scope: n.scope, id: n.id, name: n.name, capMicros: n.capMicros, committedMicros: n.committedMicros }],
  );
}

/** The price recorded for one object (0 when it has none), locked until the transaction ends. */
export async function recordedPrice(client: SqlClient, logicalClusterId: string, key: ObjectPriceKey): Promise<bigint> {
  const { rows } = await client.query<{ priceMicros: string }>(
    `select "priceMicros"::text as "priceMicros" from "ObjectPrice"
      where "logicalClusterId" = $1 and resource = $2 and namespace = $3 and name = $4 for update`,
    [logicalClusterId, key.resource, key.namespace, key.name],
  );
  return rows[0] ? BigInt(rows[0].priceMicros) : 0n;
}

/** Records an object's price; a price of 0 removes the row (free objects have none). */
export async function recordPrice(client: SqlClient, path: CostPath, key: ObjectPriceKey & { kind: string }, priceMicros: bigint): Promise<void> {
  if (priceMicros === 0n) {
    await client.query(`delete from "ObjectPrice" where "logicalClusterId" = $1 and resource = $2 and namespace = $3 and name = $4`, [
      path.logicalClusterId,
      key.resource,
      key.namespace,
      key.name,
    ]);
    return;
  }
  await client.query(
    `insert into "ObjectPrice" ("orgId", "logicalClusterId", resource, namespace, name, kind, "priceMicros", "updatedAt")
     values ($1, $2, $3, $4, $5, $6, $7::bigint, now())
     on conflict ("logicalClusterId", resource, namespace, name)
     do update set kind = excluded.kind, "priceMicros" = excluded."priceMicros", "updatedAt" = now()`,
    [path.orgId, path.logicalClusterId, key.resource, key.namespace, key.name, key.kind, priceMicros.toString()],
  );
}

/**
 * `recordPrice` and `applyCostDelta` of one admitted change in a single statement (one round
 * trip on the write path), on a path locked by `lockCostPath`. Alerts, rare, follow as their own
 * statements.
 */
export async function chargeObject(
  client: SqlClient,
  path: CostPath,
  key: ObjectPriceKey & { kind: string },
  priceMicros: bigint,
  deltaMicros: bigint,
): Promise<{ alertIds: string[] }> {
  const transitions = nodeTransitions(path, deltaMicros);
  await client.query(
    `with dropped as (
       delete from "ObjectPrice" where $7::bigint = 0 and "logicalClusterId" = $2 and resource = $3 and namespace = $4 and name = $5
     ), recorded as (
       insert into "ObjectPrice" ("orgId", "logicalClusterId", resource, namespace, name, kind, "priceMicros", "updatedAt")
       select $1, $2, $3, $4, $5, $6, $7::bigint, now() where $7::bigint <> 0
       on conflict ("logicalClusterId", resource, namespace, name)
       do update set kind = excluded.kind, "priceMicros" = excluded."priceMicros", "updatedAt" = now()
     ), v as (select unnest($8::text[]) as id, unnest($10::int[]) as alerted where $9::bigint <> 0),
     moved as (
       update "Budget" b set "committedMicros" = b."committedMicros" + $9::bigint, "alertedPercent" = v.alerted, "updatedAt" = now()
         from v where b.id = v.id
       returning b.id, b."orgId", b."committedMicros"
     )
     insert into "RunRateSnapshot" ("orgId", "budgetId", "runRateMicros") select "orgId", id, "committedMicros" from moved`,
    [
      path.orgId,
      path.logicalClusterId,
      key.resource,
      key.namespace,
      key.name,
      key.kind,
      priceMicros.toString(),
      transitions.map((t) => t.node.id),
      deltaMicros.toString(),
      transitions.map((t) => t.alertedPercent),
    ],
  );
  if (deltaMicros === 0n) return { alertIds: [] };
  return raiseAlerts(client, path, transitions);
}

/** graphile-worker task that mails a budget alert to the node's admins. */
export const BUDGET_ALERT_NOTIFY_TASK = 'budget-alert-notify';

/**
 * Adds `deltaMicros` to every node on a path locked by `lockCostPath` (in the same
 * transaction), records a run-rate snapshot per node, and raises an alert (row + mail job)
 * for each budget that crosses 50/80/100 % upward. A zero delta changes nothing.
 */
export async function applyCostDelta(client: SqlClient, path: CostPath, deltaMicros: bigint): Promise<{ alertIds: string[] }> {
  if (deltaMicros === 0n || path.nodes.length === 0) return { alertIds: [] };
  const transitions = nodeTransitions(path, deltaMicros);
  await client.query(
    `with v as (select unnest($1::text[]) as id, unnest($3::int[]) as alerted),
     moved as (
       update "Budget" b set "committedMicros" = b."committedMicros" + $2::bigint, "alertedPercent" = v.alerted, "updatedAt" = now()
         from v where b.id = v.id
       returning b.id, b."orgId", b."committedMicros"
     )
     insert into "RunRateSnapshot" ("orgId", "budgetId", "runRateMicros") select "orgId", id, "committedMicros" from moved`,
    [transitions.map((t) => t.node.id), deltaMicros.toString(), transitions.map((t) => t.alertedPercent)],
  );
  return raiseAlerts(client, path, transitions);
}

interface NodeTransition {
  node: CostNode;
  after: bigint;
  alertedPercent: number;
  alertAt: 50 | 80 | 100 | null;
}

function nodeTransitions(path: CostPath, deltaMicros: bigint): NodeTransition[] {
  return path.nodes.map((node) => {
    const after = node.committedMicros + deltaMicros;
    return { node, after, ...alertTransition(node.capMicros, node.alertedPercent, after) };
  });
}

/** Inserts the alerts (with their mail jobs) of crossed budgets, then moves the in-memory path to its new amounts. */
async function raiseAlerts(client: SqlClient, path: CostPath, transitions: readonly NodeTransition[]): Promise<{ alertIds: string[] }> {
  const alertIds: string[] = [];
  for (const t of transitions) {
    if (t.alertAt === null || t.node.capMicros === null) continue;
    const id = `ba_${randomUUID()}`;
    await client.query(
      `with alert as (
         insert into "BudgetAlert" (id, "orgId", "budgetId", "thresholdPercent", "runRateMicros", "capMicros")
         values ($1, $2, $3, $4, $5::bigint, $6::bigint) returning id
       )
       select graphile_worker.add_job($7::text, json_build_object('alertId', alert.id), max_attempts := 10) from alert`,
      [id, path.orgId, t.node.id, t.alertAt, t.after.toString(), t.node.capMicros.toString(), BUDGET_ALERT_NOTIFY_TASK],
    );
    alertIds.push(id);
  }
  for (const t of transitions) {
    t.node.committedMicros = t.after;
    t.node.alertedPercent = t.alertedPercent;
  }
  return { alertIds };
}

/**
 * Releases a logical cluster's run-rate when it is tombstoned: its node's committed amount is
 * subtracted from every ancestor, zeroed, and its recorded prices are deleted. Idempotent.
 */
export async function releaseClusterCost(client: SqlClient, logicalClusterId: string): Promise<void> {
  const path = await costPath(client, 'id = $1', logicalClusterId, true);
  if (!path) return;
  const clusterNode = path.nodes.find((n) => n.scope === 'cluster');
  const released = clusterNode?.committedMicros ?? 0n;
  if (released !== 0n) await applyCostDelta(client, path, -released);
  await client.query(`delete from "ObjectPrice" where "logicalClusterId" = $1`, [logicalClusterId]);
}

/** A refused cost-raising change, kept for the cost pages (the refused write itself rolled back). */
export async function recordBudgetDenial(
  client: SqlClient,
  path: Pick<CostPath, 'orgId' | 'logicalClusterId'>,
  denial: { object: string; deltaMicros: bigint; message: string; username: string },
): Promise<void> {
  await client.query(
    `insert into "BudgetDenial" (id, "orgId", "logicalClusterId", object, "deltaMicros", message, username)
     values ($1, $2, $3, $4, $5::bigint, $6, $7)`,
    [`bd_${randomUUID()}`, path.orgId, path.logicalClusterId, denial.object, denial.deltaMicros.toString(), denial.message, denial.username],
  );
}

interface PriceBookSqlRow extends Record<string, unknown> {
  id: string;
  orgId: string | null;
  type: PriceBookEntryRow['type'];
  subject: string;
  rule: unknown;
  region: string | null;
  multiplierPpm: string | null;
  setting: string | null;
  settingValue: string | null;
  effectiveFromMs: string;
  createdAtMs: string;
}

/** The org's price book in force at `at` (platform entries plus the org's overrides), as `loadPriceBook` but on raw SQL. */
export async function loadPriceBookSql(client: SqlClient, orgId: string, at: Date): Promise<PriceBook> {
  // Prisma stores timestamp(3) without time zone in UTC; epoch milliseconds avoid pg's local-time parsing.
  const { rows } = await client.query<PriceBookSqlRow>(
    `select id, "orgId", type::text as type, subject, rule, region, "multiplierPpm"::text as "multiplierPpm", setting, "settingValue"::text as "settingValue",
            (extract(epoch from "effectiveFrom" at time zone 'UTC') * 1000)::bigint::text as "effectiveFromMs",
            (extract(epoch from "createdAt" at time zone 'UTC') * 1000)::bigint::text as "createdAtMs"
       from "PriceBookEntry"
      where ("orgId" is null or "orgId" = $1) and "effectiveFrom" <= ($2::timestamptz at time zone 'UTC')
      order by "effectiveFrom", id`,
    [orgId, at.toISOString()],
  );
  const entries = rows.map((r) =>
    entryFromRow({
      id: r.id,
      orgId: r.orgId,
      type: r.type,
      subject: r.subject,
      rule: r.rule as PriceBookEntryRow['rule'],
      region: r.region,
      multiplierPpm: r.multiplierPpm === null ? null : BigInt(r.multiplierPpm),
      setting: r.setting,
      settingValue: r.settingValue === null ? null : BigInt(r.settingValue),
      effectiveFrom: new Date(Number(r.effectiveFromMs)),
      createdAt: new Date(Number(r.createdAtMs)),
    }),
  );
  return priceBookAt(entries, orgId, at);
}
