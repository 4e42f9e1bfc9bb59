import { createHash } from 'node:crypto';
import type pg from 'pg';
import { COMPACT_LOCK } from './migrate.js';

export interface ObjectKey {
  cluster: string;
  resource: string;
  namespace: string;
  name: string;
}

export interface StoredRow extends ObjectKey {
  rv: number;
  /** The object's JSON without `metadata.resourceVersion` (the revision column is the truth). */
  value: string;
}

export interface EventRow extends StoredRow {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
}

/**
 * `objects`: how many objects the logical cluster holds after a successful create, or
 * at a refusal for the object cap (`capped`); absent otherwise.
 */
export type PutResult = { ok: true; rv: number; objects?: number } | { ok: false; why: 'exists' | 'missing' | 'conflict' | 'capped'; objects?: number };

/** Options of one write. */
export interface PutOptions {
  /** Refuse a create (`capped`) when the logical cluster already holds this many objects; checked under the write lock. */
  maxObjects?: number;
}

export interface ListQuery {
  /** `null` lists across every logical cluster (wildcard). */
  cluster: string | null;
  resource: string;
  namespace?: string;
  name?: string;
  /** Exclusive start key (from a continue token). */
  after?: { cluster: string; namespace: string; name: string };
  limit: number;
  /** Serve the state as of this revision from the revision log (continue pages, resourceVersionMatch=Exact). */
  atRv?: number;
  /** Also count every matching row after `after` (same snapshot), for `remainingItemCount`. */
  countRemaining?: boolean;
}

export interface ListResult {
  /** The revision of the snapshot the rows come from. */
  rv: number;
  rows: StoredRow[];
  /** Matching rows after the start key, when asked for. */
  total?: number;
}

export class RevisionTooOldError extends Error {
  constructor(
    readonly requested: number,
    readonly compacted: number,
  ) {
    super(`too old resource version: ${requested} (${compacted})`);
  }
}

interface RawRow {
  cluster: string;
  resource: string;
  namespace: string;
  name: string;
  rv: string;
  value: string;
  type?: string;
}

/** `apiserver.put` answers `{revision or code, objects after a create}` (see migrate.ts). */
function putResult(raw: readonly (string | null)[] | null | undefined): PutResult {
  const n = Number(raw?.[0]);
  const objects = raw?.[1] === null || raw?.[1] === undefined ? undefined : Number(raw[1]);
  const extra = objects === undefined ? {} : { objects };
  if (n > 0) return { ok: true, rv: n, ...extra };
  return { ok: false, why: n === -1 ? 'exists' : n === -2 ? 'missing' : n === -4 ? 'capped' : 'conflict', ...extra };
}

/** Writes per group commit: a statement of 64 puts is 512 parameters, far below pg's limit. */
const MAX_GROUP_COMMIT = 64;

interface PendingPut {
  key: ObjectKey;
  expectRv: number | null;
  value: string;
  remove: boolean;
  maxObjects: number | null;
  resolve(result: PutResult): void;
  reject(err: unknown): void;
}

const statementNames = new Map<string, string>();

/**
 * A named (prepared) statement for a query whose text comes from a small set of shapes (the
 * filters a list or feed read combines): Postgres parses and plans each shape once per
 * connection instead of on every call. Names are stable per text.
 */
function prepared(text: string, values: unknown[]): pg.QueryConfig {
  let name = statementNames.get(text);
  if (!name) {
    name = `apiserver_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    statementNames.set(text, name);
  }
  return { name, text, values };
}

function toRow(r: RawRow): StoredRow {
  return { cluster: r.cluster, resource: r.resource, namespace: r.namespace, name: r.name, rv: Number(r.rv), value: r.value };
}

/**
 * Postgres storage of every logical cluster's objects (schema `apiserver`,
 * see migrate.ts). Pure data access: no Kubernetes semantics beyond keys,
 * revisions and preconditions.
 */
export class Store {
  constructor(readonly pool: pg.Pool) {}

  /** One object; `client` reads inside a caller's transaction. */
  async get(key: ObjectKey, client: pg.Pool | pg.ClientBase = this.pool): Promise<StoredRow | undefined> {
    const { rows } = await client.query<RawRow>({
      name: 'apiserver_get',
      text: 'select cluster, resource, namespace, name, rv, value from apiserver.objects where cluster = $1 and resource = $2 and namespace = $3 and name = $4',
      values: [key.cluster, key.resource, key.namespace, key.name],
    });
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /**
   * Writes one object. `expectRv` null means create (fails if it exists);
   * a number means the current revision must be exactly that.
   *
   * Writes on the pool (not inside a caller's transaction) are group-committed: while one
   * batch is being written and flushed, new writes queue and then go together as one
   * statement and one commit. The global write lock is held across each commit, so without
   * this every write paid its own WAL flush in turn; with it, N concurrent writers share one.
   * Each put in a batch still has its own precondition and result, and revisions follow
   * arrival order.
   */
  put(
    key: ObjectKey,
    expectRv: number | null,
    value: string,
    remove = false,
    client: pg.ClientBase | pg.Pool = this.pool,
    options: PutOptions = {},
  ): Promise<PutResult> {
    const maxObjects = options.maxObjects ?? null;
    if (client !== this.pool) return this.putOn(client, key, expectRv, value, remove, maxObjects).then((r) => this.written(key, r));
    return new Promise<PutResult>((resolve, reject) => {
      this.pending.push({ key, expectRv, value, remove, maxObjects, resolve, reject });
      if (!this.flushing) void this.flushPending();
    });
  }

  private pending: PendingPut[] = [];
  private flushing = false;

  private async flushPending(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_GROUP_COMMIT);
        if (batch.length === 1) {
          const [one] = batch as [PendingPut];
          await this.putOn(this.pool, one.key, one.expectRv, one.value, one.remove, one.maxObjects).then(
            (r) => one.resolve(this.committed(one, this.written(one.key, r))),
            one.reject,
          );
          continue;
        }
        try {
          const results = await this.putMany(this.pool, batch);
          for (const [i, p] of batch.entries()) p.resolve(this.committed(p, this.written(p.key, results[i]!)));
        } catch {
          // One bad write must not fail its neighbours: retry each on its own.
          for (const p of batch)
            await this.putOn(this.pool, p.key, p.expectRv, p.value, p.remove, p.maxObjects).then(
              (r) => p.resolve(this.committed(p, this.written(p.key, r))),
              p.reject,
            );
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Every successful write this process makes, as soon as `apiserver.put` answered (inside a
   * transaction: before its commit, which is earlier than any client can be told of it).
   * Caches use it to know which revision they must have seen before they may answer.
   */
  readonly writeListeners = new Set<(key: ObjectKey, rv: number) => void>();

  private written(key: ObjectKey, result: PutResult): PutResult {
    if (result.ok) this.recordWrite(key, result.rv);
    return result;
  }

  /** Tells the write listeners of a write made through another statement (a logical cluster's creation). */
  recordWrite(key: ObjectKey, rv: number): void {
    for (const fn of this.writeListeners) fn(key, rv);
  }

  /**
   * Revisions this process knows to be committed, with exactly the log row `apiserver.put`
   * appended (autocommitted writes, once their statement returned; transactional ones once
   * their COMMIT did). The watch hub dispatches them without reading them back.
   */
  readonly commitListeners = new Set<(event: EventRow) => void>();

  /** Reports committed writes (see commitListeners); `expectRv` null = a create, as in put. */
  recordCommitted(key: ObjectKey, expectRv: number | null | undefined, value: string, remove: boolean, result: PutResult): void {
    if (!result.ok || this.commitListeners.size === 0) return;
    const type = remove ? 'DELETED' : expectRv === null || expectRv === undefined ? 'ADDED' : 'MODIFIED';
    const event: EventRow = { ...key, rv: result.rv, value, type };
    for (const fn of this.commitListeners) fn(event);
  }

  private committed(p: PendingPut, result: PutResult): PutResult {
    this.recordCommitted(p.key, p.expectRv, p.value, p.remove, result);
    return result;
  }

  private async putOn(
    client: pg.ClientBase | pg.Pool,
    key: ObjectKey,
    expectRv: number | null,
    value: string,
    remove: boolean,
    maxObjects: number | null,
  ): Promise<PutResult> {
    const { rows } = await client.query<{ r: (string | null)[] }>({
      name: 'apiserver_put_capped',
      text: 'select apiserver.put($1, $2, $3, $4, $5, $6, $7, $8) as r',
      values: [key.cluster, key.resource, key.namespace, key.name, expectRv, value, remove, maxObjects],
    });
    return putResult(rows[0]?.r);
  }

  /** Several puts as one statement (one transaction when autocommitted); target-list expressions run left to right. */
  private async putMany(
    client: pg.ClientBase | pg.Pool,
    entries: readonly { key: ObjectKey; value: string; expectRv?: number | null; remove?: boolean; maxObjects?: number | null }[],
  ): Promise<PutResult[]> {
    if (entries.length === 0) return [];
    const values: unknown[] = [];
    const calls = entries.map(({ key, value, expectRv, remove, maxObjects }, i) => {
      values.push(key.cluster, key.resource, key.namespace, key.name, expectRv ?? null, value, remove ?? false, maxObjects ?? null);
      const b = i * 8;
      return `apiserver.put($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::bigint, $${b + 6}, $${b + 7}::boolean, $${b + 8}::bigint) as r${i}`;
    });
    // Group-commit shapes are named per size, so Postgres parses and plans each once per connection;
    // the rare large batches (cluster removal) stay unnamed rather than pile up prepared statements.
    const text = `select ${calls.join(', ')}`;
    const { rows } = await client.query<Record<string, (string | null)[]>>(
      entries.length <= MAX_GROUP_COMMIT ? { name: `apiserver_put_many_${entries.length}`, text, values } : { text, values },
    );
    return entries.map((_, i) => putResult(rows[0]?.[`r${i}`]));
  }

  /**
   * Creates several objects in one round trip (inside the caller's
   * transaction): the write lock is then held for one statement plus the
   * commit instead of one round trip per object. Target-list expressions run
   * left to right, so revisions follow the given order. `expectRv`/`remove`
   * as in put (default: create). Returns each result.
   */
  async createMany(entries: { key: ObjectKey; value: string; expectRv?: number; remove?: boolean }[], client: pg.ClientBase): Promise<PutResult[]> {
    const results = await this.putMany(client, entries);
    return results.map((r, i) => this.written(entries[i]!.key, r));
  }

  async currentRv(): Promise<number> {
    const { rows } = await this.pool.query<{ rv: string }>('select rv from apiserver.meta where id = 1');
    return Number(rows[0]?.rv ?? 0);
  }

  async compactedRv(): Promise<number> {
    const { rows } = await this.pool.query<{ compact_rv: string }>('select compact_rv from apiserver.meta where id = 1');
    return Number(rows[0]?.compact_rv ?? 0);
  }

  async list(q: ListQuery): Promise<ListResult> {
    const values: unknown[] = [q.resource];
    const where: string[] = ['resource = $1'];
    const param = (v: unknown) => {
      values.push(v);
      return `$${values.length}`;
    };
    if (q.cluster !== null) where.push(`cluster = ${param(q.cluster)}`);
    if (q.namespace !== undefined) where.push(`namespace = ${param(q.namespace)}`);
    if (q.name !== undefined) where.push(`name = ${param(q.name)}`);
    if (q.after) where.push(`(cluster, namespace, name) > (${param(q.after.cluster)}, ${param(q.after.namespace)}, ${param(q.after.name)})`);

    if (q.atRv === undefined) {
      const limit = param(q.limit);
      // One statement, one snapshot: the meta row's revision matches the rows exactly
      // because every writer bumps it under the same lock it commits under.
      const total = q.countRemaining ? `(select count(*) from apiserver.objects where ${where.join(' and ')})` : 'null';
      const { rows } = await this.pool.query<RawRow & { total?: string | null }>(
        prepared(
          `select null as cluster, null as resource, null as namespace, null as name, rv, null as value, ${total} as total from apiserver.meta where id = 1
         union all
         (select cluster, resource, namespace, name, rv, value, null as total from apiserver.objects where ${where.join(' and ')}
          order by cluster, namespace, name limit ${limit})`,
          values,
        ),
      );
      const head = rows.find((r) => r.name === null);
      return {
        rv: Number(head?.rv ?? 0),
        rows: rows.filter((r) => r.name !== null).map(toRow),
        ...(head?.total !== null && head?.total !== undefined ? { total: Number(head.total) } : {}),
      };
    }

    // The state as of an older revision: the newest log entry per key at or below it.
    const latest = `select distinct on (cluster, namespace, name) cluster, resource, namespace, name, rv, value, type
      from apiserver.events where ${where.join(' and ')} and rv <= ${param(q.atRv)}
      order by cluster, namespace, name, rv desc`;
    const client = await this.pool.connect();
    try {
      await client.query('begin isolation level repeatable read read only');
      const meta = await client.query<{ rv: string; compact_rv: string }>('select rv, compact_rv from apiserver.meta where id = 1');
      const compacted = Number(meta.rows[0]?.compact_rv ?? 0);
      if (q.atRv < compacted) throw new RevisionTooOldError(q.atRv, compacted);
      let total: number | undefined;
      if (q.countRemaining) {
        const counted = await client.query<{ n: string }>(`select count(*) as n from (${latest}) l where type <> 'DELETED'`, values);
        total = Number(counted.rows[0]?.n ?? 0);
      }
      const limit = param(q.limit);
      const { rows } = await client.query<RawRow>(
        `select cluster, resource, namespace, name, rv, value from (${latest}) l where type <> 'DELETED' order by cluster, namespace, name limit ${limit}`,
        values,
      );
      await client.query('commit');
      return { rv: q.atRv, rows: rows.map(toRow), ...(total !== undefined ? { total } : {}) };
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  /** Every object of one resource in one namespace, now, on `client` (inside a caller's transaction). */
  async listNamespaced(client: pg.Pool | pg.ClientBase, cluster: string, resource: string, namespace: string): Promise<StoredRow[]> {
    const { rows } = await client.query<RawRow>({
      name: 'apiserver_list_namespaced',
      text: 'select cluster, resource, namespace, name, rv, value from apiserver.objects where cluster = $1 and resource = $2 and namespace = $3 order by name',
      values: [cluster, resource, namespace],
    });
    return rows.map(toRow);
  }

  /** Revisions after `afterRv`, oldest first; throws when the log no longer reaches back that far. */
  async eventsSince(afterRv: number, limit: number, filter?: { cluster: string | null; resource: string }): Promise<EventRow[]> {
    const values: unknown[] = [afterRv, limit];
    let where = 'rv > $1';
    if (filter) {
      values.push(filter.resource);
      where += ` and resource = $${values.length}`;
      if (filter.cluster !== null) {
        values.push(filter.cluster);
        where += ` and cluster = $${values.length}`;
      }
    }
    const { rows } = await this.pool.query<RawRow>(
      prepared(`select rv, cluster, resource, namespace, name, type, value from apiserver.events where ${where} order by rv limit $2`, values),
    );
    return rows.map((r) => ({ ...toRow(r), type: r.type as EventRow['type'] }));
  }

  /** Counts stored objects, for quota and per-cluster caps. */
  async count(cluster: string, resource?: string, namespace?: string): Promise<number> {
    if (resource === undefined && namespace === undefined) {
      const { rows } = await this.pool.query<{ n: string }>({
        name: 'apiserver_cluster_count',
        text: 'select objects as n from apiserver.cluster_object_counts where cluster = $1',
        values: [cluster],
      });
      return Number(rows[0]?.n ?? 0);
    }
    const values: unknown[] = [cluster];
    let where = 'cluster = $1';
    if (resource !== undefined) {
      values.push(resource);
      where += ` and resource = $${values.length}`;
    }
    if (namespace !== undefined) {
      values.push(namespace);
      where += ` and namespace = $${values.length}`;
    }
    const { rows } = await this.pool.query<{ n: string }>(`select count(*) as n from apiserver.objects where ${where}`, values);
    return Number(rows[0]?.n ?? 0);
  }

  /** Every object of one namespace across resources (namespace deletion). */
  async listNamespaceContents(cluster: string, namespace: string): Promise<StoredRow[]> {
    const { rows } = await this.pool.query<RawRow>(
      'select cluster, resource, namespace, name, rv, value from apiserver.objects where cluster = $1 and namespace = $2 order by resource, name',
      [cluster, namespace],
    );
    return rows.map(toRow);
  }

  /**
   * Forgets revisions at or below `toRv` that a newer revision of the same key
   * supersedes (and tombstones), kine-style: the log still holds the newest
   * revision of every live key, so lists at any revision above `toRv` stay exact.
   * Returns the number of revisions removed. One replica at a time.
   */
  async compact(toRv: number): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const lock = await client.query<{ locked: boolean }>('select pg_try_advisory_xact_lock($1) as locked', [COMPACT_LOCK]);
      if (!lock.rows[0]?.locked) {
        await client.query('rollback');
        return 0;
      }
      const meta = await client.query<{ rv: string; compact_rv: string }>('select rv, compact_rv from apiserver.meta where id = 1');
      const target = Math.min(toRv, Number(meta.rows[0]?.rv ?? 0));
      if (target <= Number(meta.rows[0]?.compact_rv ?? 0)) {
        await client.query('rollback');
        return 0;
      }
      const superseded = await client.query(
        `delete from apiserver.events e where e.rv <= $1 and exists (
           select 1 from apiserver.events n where n.cluster = e.cluster and n.resource = e.resource and n.namespace = e.namespace
             and n.name = e.name and n.rv > e.rv and n.rv <= $1)`,
        [target],
      );
      const tombstones = await client.query(`delete from apiserver.events where rv <= $1 and type = 'DELETED'`, [target]);
      await client.query('update apiserver.meta set compact_rv = $1 where id = 1', [target]);
      await client.query('commit');
      return (superseded.rowCount ?? 0) + (tombstones.rowCount ?? 0);
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }
}

export function storageKey(cluster: string, group: string, plural: string, namespace: string, name: string): ObjectKey {
  return { cluster, resource: group ? `${plural}.${group}` : plural, namespace, name };
}
