/**
 * Cost as admission: every write to an Atrium logical cluster is priced with
 * the org's price book, and a change that raises cost is checked against
 * every budget on the path cluster → teams → org inside the same Postgres
 * transaction as the object write (see `TransactionalStep`), so replicas and
 * concurrent writers can never spend the same headroom twice.
 *
 * The ledger (cost nodes, recorded prices, snapshots, alerts) is
 * `@atrium/db`'s cost-ledger; this module decides when a write needs it.
 */

import type { Logger } from '@atrium/config';
import { describeHeadroom, describeObject, evaluateBudgets, type PriceBook, PricingError, priceObject } from '@atrium/core';
import { budgetsOf, type CostPath, chargeObject, loadPriceBookSql, lockCostPathAndPrice, readCostPath, recordBudgetDenial, recordedPrice } from '@atrium/db';
import type pg from 'pg';
import {
  type AdmissionAttributes,
  type AdmissionContext,
  AdmissionDeniedError,
  type SystemWriteHook,
  type TransactionalStep,
  type ValidatingAdmissionPlugin,
} from '../admission/types.js';
import { type KubeObject, storageResource } from '../registry/types.js';
import type { ClusterDirectory } from '../storage/clusters.js';
import type { ObjectKey, PutResult } from '../storage/store.js';

export interface CostAdmissionOptions {
  pool: pg.Pool;
  clusters: ClusterDirectory;
  logger: Logger;
  /**
   * How long a price book and a logical cluster's org/region are reused
   * (default 5 s): pricing stays in memory on the hot path, and a new price
   * or a new cluster is seen within that time.
   */
  cacheTtlMs?: number;
}

/** What pricing needs to know about an Atrium logical cluster (not locked: the transaction re-reads its path). */
interface ClusterCost {
  kcpPath: string;
  orgId: string;
  logicalClusterId: string;
  region: string | undefined;
}

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

/** Whether an update completes a deletion (no finalizers left): the object is then gone and costs nothing. */
function finalizes(object: KubeObject): boolean {
  return !!object.metadata?.deletionTimestamp && (object.metadata.finalizers ?? []).length === 0;
}

/** The per-budget part of core's `describeHeadroom` ("team payments $4.00/mo, org acme $99.00/mo"). */
function headroomList(path: CostPath, deltaMicros: bigint): string {
  const budgets = budgetsOf(path);
  if (budgets.length === 0) return 'no budget is set on this cluster, its teams or its org';
  const change = describeHeadroom([], deltaMicros);
  return describeHeadroom(budgets, deltaMicros).slice(`${change}; headroom: `.length);
}

export class CostAdmission implements SystemWriteHook {
  private readonly ttlMs: number;
  private readonly clusterCache = new Map<string, Cached<ClusterCost | null>>();
  private readonly bookCache = new Map<string, Cached<PriceBook>>();

  constructor(private readonly options: CostAdmissionOptions) {
    this.ttlMs = options.cacheTtlMs ?? 5000;
  }

  /** The validating plugin; it must run last, on the final object. */
  readonly plugin: ValidatingAdmissionPlugin = {
    name: 'CostBudget',
    validate: (a, ctx) => this.validate(a, ctx),
  };

  private cached<T>(cache: Map<string, Cached<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = load();
    cache.set(key, { at: now, value });
    // A failed load is not remembered.
    value.catch(() => {
      if (cache.get(key)?.value === value) cache.delete(key);
    });
    return value;
  }

  /** Null for logical clusters that are not live Atrium clusters (root, org and team workspaces, test clusters). */
  private clusterCost(kcpPath: string): Promise<ClusterCost | null> {
    return this.cached(this.clusterCache, kcpPath, async () => {
      const path = await readCostPath(this.options.pool, kcpPath);
      return path ? { kcpPath, orgId: path.orgId, logicalClusterId: path.logicalClusterId, region: path.regions[0] } : null;
    });
  }

  private book(orgId: string): Promise<PriceBook> {
    return this.cached(this.bookCache, orgId, () => loadPriceBookSql(this.options.pool, orgId, new Date()));
  }

  /** Prices an object as it will be stored; a malformed priced field is the client's 422. */
  private price(object: KubeObject, book: PriceBook, cluster: ClusterCost): bigint {
    try {
      return priceObject(object, book, cluster.region !== undefined ? { region: cluster.region } : {}).priceMicros;
    } catch (e) {
      if (e instanceof PricingError) {
        throw new AdmissionDeniedError(`${object.kind} "${object.metadata?.name ?? ''}" is invalid: ${e.message}`, 422, 'Invalid');
      }
      throw e;
    }
  }

  private async validate(a: AdmissionAttributes, ctx: AdmissionContext): Promise<void> {
    if (a.resource.virtual) return;
    // A real removal is priced where it happens (it may only set a deletionTimestamp here).
    if (a.operation === 'DELETE' && !a.dryRun) return;
    const cluster = await this.clusterCost(a.logicalCluster.path);
    if (!cluster) return;
    const book = await this.book(cluster.orgId);
    const object = a.operation === 'DELETE' ? null : a.object;
    const newPrice = (o: KubeObject | null) => (o === null || finalizes(o) ? 0n : this.price(o, book, cluster));
    const priced = newPrice(object);
    const key: ObjectKey = { cluster: a.logicalCluster.name, resource: storageResource(a.resource), namespace: a.namespace, name: a.name };
    const description = describeObject(object ?? a.oldObject);

    if (a.dryRun) {
      const path = await readCostPath(this.options.pool, cluster.kcpPath);
      if (!path) return;
      const old = a.operation === 'CREATE' ? 0n : await recordedPrice(this.options.pool, path.logicalClusterId, key);
      if (old === 0n && priced === 0n) return;
      const delta = priced - old;
      const decision = delta > 0n ? evaluateBudgets(budgetsOf(path), delta, description) : undefined;
      if (decision && !decision.allowed) throw new AdmissionDeniedError(decision.message);
      ctx.warn(`cost: ${description} ${describeHeadroom([], delta)}`);
      ctx.warn(`budget headroom: ${headroomList(path, delta)}`);
      for (const w of decision?.warnings ?? []) ctx.warn(w);
      return;
    }

    // Most writes cost nothing before and after: they skip the transaction entirely. The
    // unlocked read is safe because every such write is conditional on the revision it
    // read, and the recorded price always commits together with that revision.
    if (a.operation === 'CREATE' && priced === 0n) return;
    if (a.operation === 'UPDATE' && (await recordedPrice(this.options.pool, cluster.logicalClusterId, key)) === priced) return;
    ctx.transactional(
      this.step(cluster, {
        // Re-priced inside the transaction: later normalization may still touch the object.
        price: () => newPrice(object),
        kind: object?.kind ?? a.oldObject?.kind ?? '',
        description,
        username: a.user.name,
        warn: (m) => ctx.warn(m),
        deniable: true,
      }),
    );
  }

  /** Writes the server makes itself (removals, orphaning): recorded, never refused. */
  async stepForSystemWrite(key: ObjectKey, next: KubeObject | null): Promise<TransactionalStep | undefined> {
    const lc = await this.options.clusters.resolve(key.cluster);
    if (!lc) return undefined;
    const cluster = await this.clusterCost(lc.path);
    if (!cluster) return undefined;
    let priced = 0n;
    if (next && !finalizes(next)) {
      try {
        priced = this.price(next, await this.book(cluster.orgId), cluster);
      } catch (err) {
        // Admission priced this object when it was written; a failure now is not the client's.
        this.options.logger.warn({ err, key }, 'stored object could not be priced; recording 0');
      }
    }
    if ((await recordedPrice(this.options.pool, cluster.logicalClusterId, key)) === priced) return undefined;
    return this.step(cluster, { price: () => priced, kind: next?.kind ?? '', description: '', username: '', deniable: false });
  }

  private step(
    cluster: ClusterCost,
    change: { price: () => bigint; kind: string; description: string; username: string; warn?: (m: string) => void; deniable: boolean },
  ): TransactionalStep {
    let denied: { error: AdmissionDeniedError; path: CostPath; delta: bigint } | undefined;
    const { pool, logger } = this.options;
    return {
      name: 'CostBudget',
      opensTransaction: true,
      async run(client: pg.ClientBase, key: ObjectKey, write: () => Promise<PutResult>): Promise<PutResult> {
        denied = undefined;
        // BEGIN, the budget rows, then the object's price row, in one round trip; then (inside
        // apiserver.put) the global write lock.
        const locked = await lockCostPathAndPrice(client, cluster.kcpPath, key, { begin: true });
        if (!locked) return write();
        const { path } = locked;
        const priced = change.price();
        const delta = priced - locked.oldPriceMicros;
        let warnings: readonly string[] = [];
        if (change.deniable && delta > 0n) {
          const decision = evaluateBudgets(budgetsOf(path), delta, change.description);
          if (!decision.allowed) {
            const error = new AdmissionDeniedError(decision.message);
            denied = { error, path, delta };
            throw error;
          }
          warnings = decision.warnings;
        }
        // The ledger moves before the object is written: `apiserver.put` takes the global write
        // lock, and everything after it holds that lock (and every other tenant's writes) until
        // commit. A write that then fails its precondition rolls the ledger back with it.
        if (delta !== 0n) {
          await chargeObject(client, path, { resource: key.resource, namespace: key.namespace, name: key.name, kind: change.kind }, priced, delta);
        }
        const result = await write();
        if (result.ok) for (const w of warnings) change.warn?.(w);
        return result;
      },
      async afterRollback(error: unknown): Promise<void> {
        if (!denied || denied.error !== error) return;
        try {
          await recordBudgetDenial(pool, denied.path, {
            object: change.description,
            deltaMicros: denied.delta,
            message: denied.error.message,
            username: change.username,
          });
        } catch (err) {
          logger.warn({ err }, 'budget denial could not be recorded');
        }
      },
    };
  }
}
