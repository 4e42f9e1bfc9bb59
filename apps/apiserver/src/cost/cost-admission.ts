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
import {
  describeHeadroom,
  describeObject,
  evaluateBudgets,
  isScalableKind,
  type PriceBook,
  PricingError,
  priceObject,
  scaleSignature,
  scaleTargetOf,
} from '@atrium/core';
import {
  budgetsOf,
  type CostPath,
  chargeObject,
  loadPriceBookSql,
  lockCostPathAndPrice,
  readCostPath,
  recordBudgetDenial,
  recordedPrice,
  recordPrice,
} from '@atrium/db';
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
import type { ObjectKey, PutResult, Store } from '../storage/store.js';

export interface CostAdmissionOptions {
  pool: pg.Pool;
  store: Store;
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

/** Where autoscalers and the kinds they scale are stored (`storageResource` of their types). */
export const AUTOSCALER_RESOURCE = 'horizontalpodautoscalers.autoscaling';
export const SCALE_TARGET_RESOURCES: Readonly<Record<string, string>> = {
  'apps/Deployment': 'deployments.apps',
  'apps/ReplicaSet': 'replicasets.apps',
  'apps/StatefulSet': 'statefulsets.apps',
  '/ReplicationController': 'replicationcontrollers',
};
const SCALABLE_RESOURCES = new Set(Object.values(SCALE_TARGET_RESOURCES));

/** Whether an update completes a deletion (no finalizers left): the object is then gone and costs nothing. */
function finalizes(object: KubeObject): boolean {
  return !!object.metadata?.deletionTimestamp && (object.metadata.finalizers ?? []).length === 0;
}

/** The object as it will be stored, or null once it is gone (or going). */
function live(object: KubeObject | null | undefined): KubeObject | null {
  return object && !finalizes(object) ? object : null;
}

/** The per-budget part of core's `describeHeadroom` ("team payments $4.00/mo, org acme $99.00/mo"). */
function headroomList(path: CostPath, deltaMicros: bigint): string {
  const budgets = budgetsOf(path);
  if (budgets.length === 0) return 'no budget is set on this cluster, its teams or its org';
  const change = describeHeadroom([], deltaMicros);
  return describeHeadroom(budgets, deltaMicros).slice(`${change}; headroom: `.length);
}

/** An autoscaler whose price follows the object being written. */
interface Dependent {
  key: ObjectKey;
  kind: string;
  oldPriceMicros: bigint;
  newPriceMicros: bigint;
}

/** What one priced write changes: the object's own price and its dependents'. */
interface Pricing {
  priceMicros: bigint;
  dependents: Dependent[];
}

/** Whether an autoscaler of either version would be priced alike; a version that no longer prices (malformed) matches nothing. */
function sameSignature(a: KubeObject | null, b: KubeObject | null, book: PriceBook): boolean {
  try {
    return scaleSignature(a, book) === scaleSignature(b, book);
  } catch (e) {
    if (e instanceof PricingError) return false;
    throw e;
  }
}

const sameRef = (a: KubeObject | null | undefined, b: KubeObject | null | undefined) => {
  const spec = (o: KubeObject | null | undefined) => (o?.spec ?? {}) as { scaleTargetRef?: unknown; maxReplicas?: unknown };
  return JSON.stringify(spec(a).scaleTargetRef) === JSON.stringify(spec(b).scaleTargetRef) && spec(a).maxReplicas === spec(b).maxReplicas;
};

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

  /** Prices an object as it will be stored (null: gone); a malformed priced field is the client's 422. */
  private price(object: KubeObject | null, book: PriceBook, cluster: ClusterCost, scaleTarget?: KubeObject | null): bigint {
    if (object === null) return 0n;
    try {
      return priceObject(object, book, {
        ...(cluster.region !== undefined ? { region: cluster.region } : {}),
        ...(scaleTarget !== undefined ? { scaleTarget } : {}),
      }).priceMicros;
    } catch (e) {
      if (e instanceof PricingError) {
        // "spec.overhead.cpu: …" names its field; kubectl prints the causes of an Invalid status.
        const colon = e.message.indexOf(': ');
        const field = colon > 0 && /^[\w.[\]]+$/.test(e.message.slice(0, colon)) ? e.message.slice(0, colon) : undefined;
        const causes = [{ reason: 'FieldValueInvalid', ...(field ? { field } : {}), message: field ? e.message.slice(colon + 2) : e.message }];
        throw new AdmissionDeniedError(`${object.kind} "${object.metadata?.name ?? ''}" is invalid: ${e.message}`, 422, 'Invalid', causes);
      }
      throw e;
    }
  }

  /** An autoscaler's scale target as stored now (null: none), read on `client`. */
  private async scaleTargetOf(client: pg.Pool | pg.ClientBase, clusterName: string, namespace: string, hpa: KubeObject): Promise<KubeObject | null> {
    const ref = scaleTargetOf(hpa);
    const resource = ref ? SCALE_TARGET_RESOURCES[`${ref.group}/${ref.kind}`] : undefined;
    if (!ref || !resource) return null;
    const row = await this.options.store.get({ cluster: clusterName, resource, namespace, name: ref.name }, client);
    const target = row ? (JSON.parse(row.value) as KubeObject) : null;
    // The reference names a kind and a name; a stored object of another group under that storage key cannot exist.
    return live(target);
  }

  /**
   * The autoscalers in the namespace that scale `key`'s object, re-priced as if it were
   * `next` (null: gone), read on `client` with their recorded prices.
   */
  private async dependents(
    client: pg.Pool | pg.ClientBase,
    cluster: ClusterCost,
    book: PriceBook,
    key: ObjectKey,
    kindKey: string,
    next: KubeObject | null,
  ): Promise<Dependent[]> {
    const rows = await this.options.store.listNamespaced(client, key.cluster, AUTOSCALER_RESOURCE, key.namespace);
    const found: Dependent[] = [];
    for (const row of rows) {
      const hpa = live(JSON.parse(row.value) as KubeObject);
      const ref = hpa ? scaleTargetOf(hpa) : undefined;
      if (!hpa || !ref || `${ref.group}/${ref.kind}` !== kindKey || ref.name !== key.name) continue;
      const hpaKey: ObjectKey = { cluster: key.cluster, resource: AUTOSCALER_RESOURCE, namespace: key.namespace, name: row.name };
      const oldPriceMicros = await recordedPrice(client, cluster.logicalClusterId, hpaKey);
      let newPriceMicros: bigint;
      try {
        newPriceMicros = this.price(hpa, book, cluster, next);
      } catch (err) {
        // The autoscaler was priced when it was written; only the target can be at fault now.
        if (!(err instanceof AdmissionDeniedError)) throw err;
        this.options.logger.warn({ err, key: hpaKey }, 'autoscaler could not be re-priced; recording 0');
        newPriceMicros = 0n;
      }
      found.push({ key: hpaKey, kind: hpa.kind ?? 'HorizontalPodAutoscaler', oldPriceMicros, newPriceMicros });
    }
    return found;
  }

  /** The write's own price and its dependents', computed on `client` (inside the transaction, after the lock). */
  private async pricing(
    client: pg.Pool | pg.ClientBase,
    cluster: ClusterCost,
    book: PriceBook,
    key: ObjectKey,
    kindKey: string,
    next: KubeObject | null,
  ): Promise<Pricing> {
    if (key.resource === AUTOSCALER_RESOURCE) {
      const target = next ? await this.scaleTargetOf(client, key.cluster, key.namespace, next) : null;
      return { priceMicros: this.price(next, book, cluster, target), dependents: [] };
    }
    const priceMicros = this.price(next, book, cluster);
    if (!SCALABLE_RESOURCES.has(key.resource)) return { priceMicros, dependents: [] };
    return { priceMicros, dependents: await this.dependents(client, cluster, book, key, kindKey, next) };
  }

  private async validate(a: AdmissionAttributes, ctx: AdmissionContext): Promise<void> {
    if (a.resource.virtual) return;
    // A real removal is priced where it happens (it may only set a deletionTimestamp here).
    if (a.operation === 'DELETE' && !a.dryRun) return;
    const cluster = await this.clusterCost(a.logicalCluster.path);
    if (!cluster) return;
    if (a.operation === 'CREATE' && a.resource.group === 'tenancy.kcp.io' && a.resource.plural === 'workspaces') {
      // A child's objects would be priced against nothing: budgets end at the Atrium cluster.
      throw new AdmissionDeniedError(
        `workspaces "${a.name}" is forbidden: logical cluster ${a.logicalCluster.path} is an Atrium cluster and cannot hold child workspaces (their workloads would escape its budget); request another cluster from the console`,
      );
    }
    const book = await this.book(cluster.orgId);
    const object = a.operation === 'DELETE' ? null : live(a.object);
    const key: ObjectKey = { cluster: a.logicalCluster.name, resource: storageResource(a.resource), namespace: a.namespace, name: a.name };
    const kindKey = `${a.resource.group}/${a.resource.kind}`;
    const description = describeObject(a.object ?? a.oldObject);
    const isAutoscaler = key.resource === AUTOSCALER_RESOURCE;
    const scalable = isScalableKind(a.resource.group, a.resource.kind);

    if (a.dryRun) {
      const path = await readCostPath(this.options.pool, cluster.kcpPath);
      if (!path) return;
      const { priceMicros, dependents } = await this.pricing(this.options.pool, cluster, book, key, kindKey, object);
      const old = a.operation === 'CREATE' ? 0n : await recordedPrice(this.options.pool, path.logicalClusterId, key);
      const delta = priceMicros - old + dependents.reduce((sum, d) => sum + d.newPriceMicros - d.oldPriceMicros, 0n);
      if (old === 0n && priceMicros === 0n && delta === 0n) return;
      const decision = delta > 0n ? evaluateBudgets(budgetsOf(path), delta, description) : undefined;
      if (decision && !decision.allowed) throw new AdmissionDeniedError(decision.message);
      ctx.warn(`cost: ${description} ${describeHeadroom([], delta)}`);
      ctx.warn(`budget headroom: ${headroomList(path, delta)}`);
      for (const w of decision?.warnings ?? []) ctx.warn(w);
      return;
    }

    // Most writes cost nothing before and after: they skip the transaction entirely. The
    // unlocked read is safe because every such write is conditional on the revision it
    // read, and the recorded price always commits together with that revision. A write
    // that an autoscaler's price depends on skips only when it cannot change that price.
    if (!isAutoscaler && !scalable) {
      const priced = this.price(object, book, cluster);
      if (a.operation === 'CREATE' && priced === 0n) return;
      if (a.operation === 'UPDATE' && (await recordedPrice(this.options.pool, cluster.logicalClusterId, key)) === priced) return;
    } else if (a.operation === 'UPDATE') {
      // Checked first, so a malformed object is the client's 422 before anything else.
      this.price(object, book, cluster, isAutoscaler ? null : undefined);
      const old = live(a.oldObject);
      const unchangedForDependents = isAutoscaler ? sameRef(old, object) : sameSignature(old, object, book);
      if (unchangedForDependents) {
        const target = isAutoscaler && object ? await this.scaleTargetOf(this.options.pool, key.cluster, key.namespace, object) : undefined;
        if ((await recordedPrice(this.options.pool, cluster.logicalClusterId, key)) === this.price(object, book, cluster, target)) return;
      }
    } else {
      // Checked now, so a malformed object is refused before any transaction.
      this.price(object, book, cluster, isAutoscaler ? null : undefined);
    }
    ctx.transactional(
      this.step(cluster, book, {
        // Re-priced inside the transaction: later normalization may still touch the object.
        next: () => live(a.object),
        kindKey,
        kind: a.object?.kind ?? a.oldObject?.kind ?? '',
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
    const book = await this.book(cluster.orgId);
    const stored = live(next);
    const kindKey = Object.entries(SCALE_TARGET_RESOURCES).find(([, resource]) => resource === key.resource)?.[0] ?? '';
    // Autoscalers and the kinds they scale are always settled in the transaction: a removal
    // re-prices what depends on them, and they are few.
    if (key.resource !== AUTOSCALER_RESOURCE && !SCALABLE_RESOURCES.has(key.resource)) {
      let priced = 0n;
      try {
        priced = this.price(stored, book, cluster);
      } catch (err) {
        // Admission priced this object when it was written; a failure now is not the client's.
        this.options.logger.warn({ err, key }, 'stored object could not be priced; recording 0');
      }
      if ((await recordedPrice(this.options.pool, cluster.logicalClusterId, key)) === priced) return undefined;
    }
    return this.step(cluster, book, { next: () => stored, kindKey, kind: next?.kind ?? '', description: '', username: '', deniable: false });
  }

  private step(
    cluster: ClusterCost,
    book: PriceBook,
    change: {
      next: () => KubeObject | null;
      kindKey: string;
      kind: string;
      description: string;
      username: string;
      warn?: (m: string) => void;
      deniable: boolean;
    },
  ): TransactionalStep {
    let denied: { error: AdmissionDeniedError; path: CostPath; delta: bigint } | undefined;
    const self = this;
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
        // After the lock: every priced write in this cluster holds it, so an autoscaler and
        // its target read here are the committed ones, and neither changes before commit.
        let pricing: Pricing;
        try {
          pricing = await self.pricing(client, cluster, book, key, change.kindKey, change.next());
        } catch (err) {
          if (change.deniable || !(err instanceof AdmissionDeniedError)) throw err;
          logger.warn({ err, key }, 'stored object could not be priced; recording 0');
          pricing = { priceMicros: 0n, dependents: [] };
        }
        const changed = pricing.dependents.filter((d) => d.newPriceMicros !== d.oldPriceMicros);
        const delta = pricing.priceMicros - locked.oldPriceMicros + changed.reduce((sum, d) => sum + d.newPriceMicros - d.oldPriceMicros, 0n);
        let warnings: readonly string[] = [];
        if (change.deniable && delta > 0n) {
          const reserving = changed.map((d) => `${d.kind} ${d.key.namespace}/${d.key.name}`);
          const description = reserving.length ? `${change.description} (with what ${reserving.join(', ')} reserves for it)` : change.description;
          const decision = evaluateBudgets(budgetsOf(path), delta, description);
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
        for (const d of changed)
          await recordPrice(client, path, { resource: d.key.resource, namespace: d.key.namespace, name: d.key.name, kind: d.kind }, d.newPriceMicros);
        if (delta !== 0n || pricing.priceMicros !== locked.oldPriceMicros) {
          await chargeObject(client, path, { resource: key.resource, namespace: key.namespace, name: key.name, kind: change.kind }, pricing.priceMicros, delta);
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
