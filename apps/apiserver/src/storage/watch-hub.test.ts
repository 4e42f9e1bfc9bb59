import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { EventRow, Store } from './store.js';
import { WatchHub } from './watch-hub.js';

/** A revision log in memory: what the hub reads, and how often. */
function fakeStore() {
  const log: EventRow[] = [];
  const reads: number[] = [];
  const store = {
    async eventsSince(afterRv: number, limit: number) {
      reads.push(afterRv);
      await new Promise((r) => setTimeout(r, 2));
      return log.filter((e) => e.rv > afterRv).slice(0, limit);
    },
  } as unknown as Store;
  const commit = (rv: number) => log.push({ rv, cluster: 'c', resource: 'configmaps', namespace: 'default', name: `n${rv}`, type: 'ADDED', value: '{}' });
  return { store, log, reads, commit };
}

function hubOn(store: Store) {
  const hub = new WatchHub('postgres://unused', store, pino({ level: 'silent' }));
  const notify = (rv: number | string) => (hub as unknown as { onNotification(p: string): void }).onNotification(String(rv));
  const seen: number[] = [];
  hub.eventListeners.add((e) => seen.push(e.rv));
  return { hub, notify, seen };
}

const settle = () => new Promise((r) => setTimeout(r, 30));

describe('watch hub notifications', () => {
  it('a burst of notifications costs one read of the feed, and every revision is dispatched once, in order', async () => {
    const { store, reads, commit } = fakeStore();
    const { notify, seen } = hubOn(store);
    for (let rv = 1; rv <= 50; rv++) commit(rv);
    for (let rv = 1; rv <= 50; rv++) notify(rv);
    await settle();
    expect(reads).toEqual([0]);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // Late notifications of revisions already read cost nothing.
    for (let rv = 1; rv <= 50; rv++) notify(rv);
    await settle();
    expect(reads).toEqual([0]);
  });

  it('a notification arriving during a read that missed its revision makes exactly one more read', async () => {
    const { store, reads, commit } = fakeStore();
    const { notify, seen } = hubOn(store);
    commit(1);
    notify(1);
    await new Promise((r) => setImmediate(r));
    // The read of revision 1 is in flight; 2 commits now and is announced while it runs.
    commit(2);
    notify(2);
    notify(2);
    await settle();
    expect(seen).toEqual([1, 2]);
    expect(reads.length).toBeLessThanOrEqual(2);
  });

  it('a revision compacted before it was read is not waited for forever', async () => {
    const { store, reads } = fakeStore();
    const { hub, notify } = hubOn(store);
    notify(7);
    await settle();
    expect(reads).toEqual([0]);
    expect(hub.lastRv).toBe(0);
    // The next real revision is still read.
    notify(8);
    await settle();
    expect(reads).toEqual([0, 0]);
  });

  it("this process's own commits are dispatched without a read, in revision order, waiting for a gap to be read", async () => {
    const { store, reads, commit, log } = fakeStore();
    const { hub, notify, seen } = hubOn(store);
    const row = (rv: number) => log.find((e) => e.rv === rv)!;
    commit(1);
    hub.committed(row(1));
    notify(1);
    await settle();
    expect(seen).toEqual([1]);
    expect(reads).toEqual([]);
    // Revision 2 is another process's; 3 is ours and must wait for 2.
    commit(2);
    commit(3);
    hub.committed(row(3));
    expect(seen).toEqual([1]);
    notify(3);
    notify(2);
    await settle();
    expect(seen).toEqual([1, 2, 3]);
    expect(reads).toEqual([1]);
  });
});
