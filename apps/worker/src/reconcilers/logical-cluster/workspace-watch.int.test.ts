/**
 * KcpClient.waitForWorkspace against the real API server: one shared watch per parent workspace
 * answers many waiters without a request each, a waiter that registers after its change streamed
 * past still gets it, and only states newer than the caller's are delivered.
 */
import https from 'node:https';
import { createTestDatabase, type TestDatabase } from '@atrium/db/testing';
import { type KcpClient, TENANCY_API_VERSION, type Workspace } from '@atrium/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApiServer, type TestApiServer } from '../../test-support/processes.js';

const TOKEN = 'atrium-test-admin-token-0123456789';
let db: TestDatabase;
let apiserver: TestApiServer;
let kcp: KcpClient;
const ready = (ws: Workspace) => ws.status?.phase === 'Ready';

/** Runs `fn`, counting the HTTP requests this process sends by method and whether they watch. */
async function requests<T>(fn: () => Promise<T>): Promise<{ result: T; gets: number; watches: number }> {
  const original = https.request;
  let gets = 0;
  let watches = 0;
  https.request = ((...args: Parameters<typeof https.request>) => {
    const o = args[0] as { method?: string; path?: string };
    if (o.method === 'GET') {
      if (o.path?.includes('watch=true')) watches++;
      else gets++;
    }
    return original(...args);
  }) as typeof https.request;
  try {
    return { result: await fn(), gets, watches };
  } finally {
    https.request = original;
  }
}

async function create(parent: string, name: string): Promise<Workspace> {
  const ws = await kcp.createWorkspace(parent, { name });
  if (!ws) throw new Error(`${name} exists`);
  return ws;
}

beforeAll(async () => {
  db = await createTestDatabase();
  apiserver = await startTestApiServer(db.url, TOKEN);
  kcp = apiserver.kcp;
  const team = await create('root', 'watchers');
  for (let i = 0; !ready((await kcp.getWorkspace('root', 'watchers')) ?? team); i++) {
    if (i > 200) throw new Error('parent not Ready');
    await new Promise((r) => setTimeout(r, 25));
  }
}, 120_000);

afterAll(async () => {
  await apiserver?.stop();
  await db?.drop();
});

describe('KcpClient.waitForWorkspace', () => {
  it('answers many waiters from one watch request, without a GET', async () => {
    const { result, gets, watches } = await requests(async () => {
      const created = await Promise.all(Array.from({ length: 12 }, (_, i) => create('root:watchers', `w${i}`)));
      expect(created.every((ws) => !ready(ws))).toBe(true);
      return Promise.all(created.map((ws) => kcp.waitForWorkspace('root:watchers', ws, 10_000, ready)));
    });
    expect(result.map((ws) => ws?.status?.phase)).toEqual(Array(12).fill('Ready'));
    expect(result.every((ws) => ws?.spec?.URL?.endsWith(`/clusters/root:watchers:${ws.metadata.name}`))).toBe(true);
    expect(gets).toBe(0);
    expect(watches).toBe(1);
  });

  it('hands a late waiter the change that streamed past before it registered, and passes states to onSeen', async () => {
    const early = await create('root:watchers', 'early');
    const late = await create('root:watchers', 'late');
    // `early` keeps the shared watch running while `late` turns Ready unobserved by anyone.
    const earlyReady = kcp.waitForWorkspace('root:watchers', early, 10_000, ready);
    for (let i = 0; !ready((await kcp.getWorkspace('root:watchers', 'late')) ?? late); i++) {
      if (i > 200) throw new Error('late not Ready');
      await new Promise((r) => setTimeout(r, 10));
    }
    await earlyReady;
    const seen: string[] = [];
    const { result, gets } = await requests(() => kcp.waitForWorkspace('root:watchers', late, 10_000, ready, (ws) => seen.push(ws.status?.phase ?? '')));
    expect(result?.status?.phase).toBe('Ready');
    expect(seen).toEqual(['Ready']);
    expect(gets).toBe(0);
  });

  it('polls when the known state has no numeric resourceVersion', async () => {
    const ws = await create('root:watchers', 'opaque');
    const opaque = { ...ws, metadata: { ...ws.metadata, resourceVersion: 'not-a-number' } };
    const { result, gets, watches } = await requests(() => kcp.waitForWorkspace('root:watchers', opaque, 10_000, ready));
    expect(result?.status?.phase).toBe('Ready');
    expect(gets).toBeGreaterThan(0);
    expect(watches).toBe(0);
  });

  it('delivers only states newer than the caller’s, and answers undefined when the wait runs out', async () => {
    const ws = await create('root:watchers', 'current');
    const readyWs = await kcp.waitForWorkspace('root:watchers', ws, 10_000, ready);
    expect(readyWs).toBeDefined();
    // Nothing changes after the Ready state the caller holds: no stale state, no answer, just the timeout.
    const seen: Workspace[] = [];
    const t0 = Date.now();
    expect(
      await kcp.waitForWorkspace(
        'root:watchers',
        readyWs!,
        300,
        () => true,
        (s) => seen.push(s),
      ),
    ).toBeUndefined();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(seen).toEqual([]);
    // A change after it is delivered (a label added to the Workspace).
    const objects = kcp.objects('root:watchers');
    const waiting = kcp.waitForWorkspace('root:watchers', readyWs!, 10_000, (s) => s.metadata.labels?.touched === 'yes');
    const current = (await objects.read({ apiVersion: TENANCY_API_VERSION, kind: 'Workspace', metadata: { name: 'current' } })) as Workspace;
    await objects.replace({ ...current, metadata: { ...current.metadata, labels: { ...current.metadata.labels, touched: 'yes' } } } as Parameters<
      typeof objects.replace
    >[0]);
    expect((await waiting)?.metadata.labels?.touched).toBe('yes');
  });
});
