import type { ClusterDirectory } from '../storage/clusters.js';
import type { EventRow, ObjectKey, Store, StoredRow } from '../storage/store.js';
import type { WatchHub } from '../storage/watch-hub.js';

/** What admission looks up on nearly every namespaced create: the namespace, its quotas, its LimitRanges. */
const CACHED = new Set(['namespaces', 'resourcequotas', 'limitranges']);
/** A namespace holding more of these than this is read live every time rather than cached. */
const MAX_LISTED = 10_000;
const MAX_ENTRIES = 100_000;

interface Entry {
  /** The snapshot revision the entry was read at; only events after it change it. */
  fromRv: number;
  rows: Map<string, StoredRow>;
}

/**
 * Admission's lookups of Namespaces, ResourceQuotas and LimitRanges, served the way
 * kube-apiserver's admission plugins use informers: an entry is filled by one live read
 * (a snapshot with its revision) and then kept current from this process's watch hub,
 * which sees every committed revision in commit order.
 *
 * Why an answer from here is never older than what this process already acknowledged:
 * every write this process makes to one of these kinds raises `mustSee[cluster]` to its
 * revision as soon as `apiserver.put` returns (before the commit, so before any client is
 * told). An entry is current through max(its snapshot, the hub's last dispatched revision);
 * a lookup whose entry is not current through `mustSee` reads live instead. Writes by other
 * processes arrive through the hub (LISTEN/NOTIFY), as late as an informer's would.
 *
 * Only positive namespace answers are served from here: "namespace not found" is always
 * confirmed live, as kube-apiserver's NamespaceLifecycle does, since a namespace just made
 * by another replica may not have reached this one yet.
 */
export class AdmissionLookupCache {
  private readonly entries = new Map<string, Entry>();
  private readonly mustSee = new Map<string, number>();
  /** Live reads made (tests and benchmarks check how often the cache was bypassed). */
  liveReads = 0;

  constructor(
    private readonly store: Store,
    private readonly hub: WatchHub,
    clusters?: ClusterDirectory,
  ) {
    hub.eventListeners.add((event) => this.apply(event));
    store.writeListeners.add((key, rv) => this.wrote(key, rv));
    clusters?.createdListeners.add((cluster, written) => this.seedCreated(cluster.name, written));
  }

  /** The namespace object's stored row, or undefined when it does not exist (confirmed live). */
  async namespace(cluster: string, name: string): Promise<StoredRow | undefined> {
    const hit = this.current(entryKey(cluster, 'namespaces', '', name), cluster);
    const row = hit?.rows.get(name);
    if (row) return row;
    return (await this.read(cluster, 'namespaces', '', name))[0];
  }

  /** Every ResourceQuota or LimitRange (`resource`) in one namespace. */
  async list(cluster: string, resource: 'resourcequotas' | 'limitranges', namespace: string): Promise<StoredRow[]> {
    const hit = this.current(entryKey(cluster, resource, namespace), cluster);
    if (hit) return [...hit.rows.values()];
    return this.read(cluster, resource, namespace);
  }

  private current(key: string, cluster: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    return Math.max(entry.fromRv, this.hub.lastRv) >= (this.mustSee.get(cluster) ?? 0) ? entry : undefined;
  }

  private async read(cluster: string, resource: string, namespace: string, name?: string): Promise<StoredRow[]> {
    this.liveReads++;
    const { rv, rows } = await this.store.list({ cluster, resource, namespace, ...(name !== undefined ? { name } : {}), limit: MAX_LISTED });
    if (rows.length >= MAX_LISTED) return rows;
    const key = name !== undefined ? entryKey(cluster, resource, '', name) : entryKey(cluster, resource, namespace);
    this.install(key, { fromRv: rv, rows: new Map(rows.map((r) => [r.name, r])) });
    return rows;
  }

  /**
   * A logical cluster this process just created holds exactly `written` (its name is new, and
   * the objects went in one statement under the write lock): its namespaces, and their quotas
   * and LimitRanges (none, usually), are known as of the last of those revisions without a read.
   */
  seedCreated(cluster: string, written: readonly { key: ObjectKey; value: string; rv: number }[]): void {
    const mine = written.filter((w) => w.key.cluster === cluster);
    if (mine.length === 0) return;
    const fromRv = Math.max(...mine.map((w) => w.rv));
    const seeded = new Map<string, Entry>();
    const entry = (key: string) => {
      let e = seeded.get(key);
      if (!e) {
        e = { fromRv, rows: new Map() };
        seeded.set(key, e);
      }
      return e;
    };
    for (const w of mine) {
      if (w.key.resource !== 'namespaces') continue;
      entry(entryKey(cluster, 'namespaces', '', w.key.name)).rows.set(w.key.name, { ...w.key, rv: w.rv, value: w.value });
      entry(entryKey(cluster, 'resourcequotas', w.key.name));
      entry(entryKey(cluster, 'limitranges', w.key.name));
    }
    for (const w of mine) {
      if (w.key.resource === 'resourcequotas' || w.key.resource === 'limitranges') {
        entry(entryKey(cluster, w.key.resource, w.key.namespace)).rows.set(w.key.name, { ...w.key, rv: w.rv, value: w.value });
      }
    }
    for (const [key, e] of seeded) this.install(key, e);
  }

  /** Brings an entry read (or known) at `fromRv` up to the hub and keeps it; false when that is no longer possible. */
  private install(key: string, entry: Entry): boolean {
    // The hub may already have dispatched revisions after the entry's; they never reach it through
    // `apply` any more, so they are replayed from the ring now, synchronously, before anything else
    // can run. When the ring no longer reaches back, the entry is not kept.
    if (!this.hub.replaySince(entry.fromRv, (event) => this.applyTo(entry, key, event))) return false;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, entry);
    return true;
  }

  private wrote(key: ObjectKey, rv: number): void {
    if (!CACHED.has(key.resource)) return;
    if (rv > (this.mustSee.get(key.cluster) ?? 0)) this.mustSee.set(key.cluster, rv);
  }

  private apply(event: EventRow): void {
    if (!CACHED.has(event.resource)) return;
    const key =
      event.resource === 'namespaces' ? entryKey(event.cluster, 'namespaces', '', event.name) : entryKey(event.cluster, event.resource, event.namespace);
    const entry = this.entries.get(key);
    if (entry) this.applyTo(entry, key, event);
  }

  private applyTo(entry: Entry, key: string, event: EventRow): void {
    if (event.rv <= entry.fromRv) return;
    const eventKey =
      event.resource === 'namespaces' ? entryKey(event.cluster, 'namespaces', '', event.name) : entryKey(event.cluster, event.resource, event.namespace);
    if (eventKey !== key) return;
    if (event.type === 'DELETED') entry.rows.delete(event.name);
    else
      entry.rows.set(event.name, {
        cluster: event.cluster,
        resource: event.resource,
        namespace: event.namespace,
        name: event.name,
        rv: event.rv,
        value: event.value,
      });
  }
}

function entryKey(cluster: string, resource: string, namespace: string, name?: string): string {
  return name === undefined ? `${cluster}\u0000${resource}\u0000${namespace}` : `${cluster}\u0000${resource}\u0000${namespace}\u0000${name}`;
}
