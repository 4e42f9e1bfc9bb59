import type { Logger } from '@atrium/config';
import pg from 'pg';
import { EVENTS_CHANNEL, TOKENS_CHANNEL } from './migrate.js';
import { type EventRow, RevisionTooOldError, type Store } from './store.js';

export interface WatchFilter {
  /** `null` = every logical cluster (wildcard watch). */
  cluster: string | null;
  resource: string;
  namespace?: string;
}

export interface Subscription {
  /** Every event after this revision that matches is delivered exactly once, in revision order. */
  readonly progressRv: number;
  close(): void;
}

interface Subscriber {
  filter: WatchFilter;
  deliver(event: EventRow): void;
  /** Events at or below this revision were already delivered (or replayed). */
  afterRv: number;
  /** While catching up from the database, live events wait here. */
  pending: EventRow[] | null;
  closed: boolean;
}

function matches(f: WatchFilter, e: EventRow): boolean {
  return e.resource === f.resource && (f.cluster === null || e.cluster === f.cluster) && (f.namespace === undefined || e.namespace === f.namespace);
}

/**
 * One LISTEN connection per process; every committed revision is read once
 * from `apiserver.events` and fanned out in memory to the watchers of this
 * process. Notifications only say "something new" (payloads are tiny), so a
 * missed or coalesced notification loses nothing: the pump reads everything
 * after the last revision it saw. A ring of recent revisions serves most
 * watch resumes without touching the database.
 */
export class WatchHub {
  private listener: pg.Client | undefined;
  private readonly byResource = new Map<string, Set<Subscriber>>();
  private readonly ring: EventRow[] = [];
  /** The ring holds every revision after this one. */
  private ringFromRv = 0;
  private pumping = false;
  private again = false;
  /** The newest revision a notification announced; the pump reads on until it has it. */
  private wantRv = 0;
  private notified = false;
  /** Committed revisions this process wrote itself and the hub has not dispatched yet. */
  private readonly known = new Map<number, EventRow>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  lastRv = 0;
  readonly tokenInvalidations = new Set<(tokenHash: string) => void>();
  readonly eventListeners = new Set<(event: EventRow) => void>();

  constructor(
    private readonly databaseUrl: string,
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly ringSize = 10_000,
  ) {}

  async start(): Promise<void> {
    this.store.commitListeners.add((event) => this.committed(event));
    this.lastRv = await this.store.currentRv();
    this.ringFromRv = this.lastRv;
    await this.connect();
    // A safety net for notifications lost across a reconnect; cheap (an index probe).
    this.timer = setInterval(() => this.pump(), 1000);
    this.timer.unref();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (msg) => {
      if (msg.channel === EVENTS_CHANNEL) this.onNotification(msg.payload);
      else if (msg.channel === TOKENS_CHANNEL) for (const fn of this.tokenInvalidations) fn(msg.payload ?? '');
    });
    client.on('error', (err) => {
      this.logger.warn({ err }, 'watch listener connection lost; reconnecting');
      this.listener = undefined;
      if (!this.stopped) setTimeout(() => void this.connect().catch((e) => this.logger.error({ err: e }, 'listener reconnect failed')), 500).unref();
    });
    await client.connect();
    await client.query(`listen ${EVENTS_CHANNEL}`);
    await client.query(`listen ${TOKENS_CHANNEL}`);
    this.listener = client;
    this.pump();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const subs of this.byResource.values()) for (const s of subs) s.closed = true;
    this.byResource.clear();
    await this.listener?.end().catch(() => undefined);
  }

  /**
   * Every commit announces its revision. A burst of them costs one read, not one each: a
   * revision already read (by a read that ran after its commit) needs nothing; newer ones only
   * raise the revision the pump reads up to; and the read starts once the whole batch of
   * notifications that arrived together has been seen (setImmediate: no timer, no added wait).
   */
  private onNotification(payload: string | undefined): void {
    const rv = Number(payload);
    if (!Number.isSafeInteger(rv) || rv <= 0) {
      this.pump();
      return;
    }
    if (rv <= this.lastRv) return;
    if (rv > this.wantRv) this.wantRv = rv;
    if (this.pumping || this.notified) return;
    this.notified = true;
    setImmediate(() => {
      this.notified = false;
      if (this.wantRv > this.lastRv) this.pump();
    });
  }

  /**
   * A revision this process committed, with its log row. Revision order is commit order, so when
   * it is the next one after everything dispatched, it is dispatched now, with no read of the log
   * (and so are the known ones after it); otherwise it waits for the revisions before it, which
   * the next read of the log brings. Its notification then finds it dispatched and costs nothing.
   */
  committed(event: EventRow): void {
    if (event.rv <= this.lastRv || this.stopped) return;
    this.known.set(event.rv, event);
    try {
      this.drainKnown();
    } catch (err) {
      this.logger.error({ err }, 'watch dispatch failed');
    }
  }

  private drainKnown(): void {
    for (let next = this.known.get(this.lastRv + 1); next; next = this.known.get(this.lastRv + 1)) {
      this.known.delete(next.rv);
      this.dispatch(next);
    }
  }

  /** Reads and dispatches everything new now (also the safety-net timer; tests call it). */
  pump(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void (async () => {
      try {
        do {
          this.again = false;
          // Notifications arrive after their commit, so a read that starts after one has its
          // revision, unless compaction removed it already: then it is not waited for again.
          const target = this.wantRv;
          for (;;) {
            const rows = await this.store.eventsSince(this.lastRv, 1000);
            for (const row of rows) this.dispatch(row);
            if (rows.length < 1000) break;
          }
          // What this process committed after the revisions just read can follow at once.
          this.drainKnown();
          if (this.lastRv < target && this.wantRv === target) this.wantRv = this.lastRv;
        } while ((this.again || this.wantRv > this.lastRv) && !this.stopped);
      } catch (err) {
        if (!this.stopped) this.logger.error({ err }, 'watch pump failed');
      } finally {
        this.pumping = false;
      }
    })();
  }

  private dispatch(row: EventRow): void {
    if (row.rv <= this.lastRv) return;
    this.lastRv = row.rv;
    this.known.delete(row.rv);
    this.ring.push(row);
    if (this.ring.length > this.ringSize) {
      const dropped = this.ring.splice(0, this.ring.length - this.ringSize);
      this.ringFromRv = dropped[dropped.length - 1]?.rv ?? this.ringFromRv;
    }
    for (const fn of this.eventListeners) fn(row);
    const subs = this.byResource.get(row.resource);
    if (!subs) return;
    for (const s of subs) {
      if (s.closed || row.rv <= s.afterRv) continue;
      if (s.pending) {
        s.pending.push(row);
        continue;
      }
      s.afterRv = row.rv;
      if (matches(s.filter, row)) s.deliver(row);
    }
  }

  /**
   * Delivers every matching event after `fromRv`. Throws RevisionTooOldError
   * when the revision log was compacted past `fromRv`.
   */
  async subscribe(filter: WatchFilter, fromRv: number, deliver: (event: EventRow) => void): Promise<Subscription> {
    const sub: Subscriber = { filter, deliver, afterRv: fromRv, pending: null, closed: false };
    const subscription: Subscription = {
      get progressRv() {
        return sub.afterRv;
      },
      close: () => {
        sub.closed = true;
        this.byResource.get(filter.resource)?.delete(sub);
      },
    };
    const register = () => {
      let set = this.byResource.get(filter.resource);
      if (!set) {
        set = new Set();
        this.byResource.set(filter.resource, set);
      }
      set.add(sub);
    };

    if (fromRv >= this.lastRv) {
      register();
      return subscription;
    }
    // Resuming: the ring may still hold compacted revisions, but the contract is the log's window.
    const compacted = await this.store.compactedRv();
    if (fromRv < compacted) throw new RevisionTooOldError(fromRv, compacted);
    if (fromRv >= this.ringFromRv) {
      // Synchronous replay then registration: nothing can slip in between.
      for (const row of this.ring) {
        if (row.rv <= fromRv) continue;
        sub.afterRv = row.rv;
        if (matches(filter, row)) deliver(row);
      }
      sub.afterRv = this.lastRv;
      register();
      return subscription;
    }

    sub.pending = [];
    const upTo = this.lastRv;
    sub.afterRv = upTo;
    register();
    try {
      let cursor = fromRv;
      while (cursor < upTo) {
        const rows = await this.store.eventsSince(cursor, 1000, { cluster: filter.cluster, resource: filter.resource });
        for (const row of rows) {
          if (row.rv > upTo) break;
          if (!sub.closed && matches(filter, row)) deliver(row);
        }
        if (rows.length < 1000) break;
        cursor = rows[rows.length - 1]!.rv;
      }
      const after = await this.store.compactedRv();
      if (fromRv < after) throw new RevisionTooOldError(fromRv, after);
    } catch (e) {
      subscription.close();
      throw e;
    }
    const pending = sub.pending;
    sub.pending = null;
    for (const row of pending) {
      sub.afterRv = row.rv;
      if (!sub.closed && matches(filter, row)) deliver(row);
    }
    return subscription;
  }

  /**
   * Calls `fn` synchronously for every dispatched revision after `afterRv`, oldest first, from the
   * ring; false (and no calls) when the ring no longer reaches back that far. Used to bring a
   * snapshot read at `afterRv` up to `lastRv` with nothing able to slip in between.
   */
  replaySince(afterRv: number, fn: (event: EventRow) => void): boolean {
    if (afterRv >= this.lastRv) return true;
    if (afterRv < this.ringFromRv) return false;
    let i = this.ring.length;
    while (i > 0 && this.ring[i - 1]!.rv > afterRv) i--;
    for (; i < this.ring.length; i++) fn(this.ring[i]!);
    return true;
  }

  get watcherCount(): number {
    let n = 0;
    for (const s of this.byResource.values()) n += s.size;
    return n;
  }
}
