/**
 * Cost admission: (1) the overhead of pricing + the budget check on one write (price a
 * ClusterIP Service, then a mix of the pricing table's heavier rows, with a 100-rule book;
 * lock the cost path of a cluster under a 5-level team hierarchy, read the recorded price,
 * evaluate every budget; rolled back), p50/p99 at
 * concurrency 1; (2) write throughput of a priced object (ClusterIP Service, $0.001) into
 * an Atrium logical cluster with the cost plugin on versus off, same run, as a ratio.
 */
import { defaultPlatformPriceBookEntries, describeObject, evaluateBudgets, type PriceBookEntry, type PricingContext, priceObject } from '@atrium/core';
import { addPriceBookEntries, budgetsOf, createPrismaClient, loadPriceBookSql, lockCostPathAndPrice } from '@atrium/db';
import pg from 'pg';
import pino from 'pino';
import { startApiServer } from '../apps/apiserver/src/server.js';
import { percentile, runCount } from './stats.js';

interface Ctx {
  createDatabase(): Promise<{ url: string; drop(): Promise<void> }>;
  report(result: Record<string, unknown>): void;
}

const TOKEN = 'bench-admin-token-0123456789abcdef';
const TEAMS = ['t1', 't2', 't3', 't4', 't5'];
const KCP_PATH = `root:bench:${TEAMS.join(':')}:web`;

async function seed(url: string): Promise<{ orgId: string }> {
  const prisma = createPrismaClient(url, 2);
  try {
    const org = await prisma.organization.create({ data: { slug: 'bench', name: 'Bench' } });
    const cap = 1_000_000_000_000n;
    await prisma.budget.create({ data: { orgId: org.id, scope: 'org', capMicros: cap } });
    let parentId: string | null = null;
    for (const slug of TEAMS) {
      const team: { id: string } = await prisma.team.create({ data: { orgId: org.id, slug, name: slug, parentId } });
      await prisma.budget.create({ data: { orgId: org.id, scope: 'team', teamId: team.id, capMicros: cap } });
      parentId = team.id;
    }
    const template = await prisma.clusterTemplate.create({ data: { orgId: org.id, slug: 'std', name: 'Std', apiSets: [], allowedRegions: [] } });
    const lc = await prisma.logicalCluster.create({
      data: { orgId: org.id, teamId: parentId!, name: 'web', kcpPath: KCP_PATH, templateId: template.id, regions: ['eu'], phase: 'Ready' },
    });
    await prisma.budget.create({ data: { orgId: org.id, scope: 'cluster', logicalClusterId: lc.id, capMicros: cap } });
    // 100 rules: the platform's defaults plus org rules the priced object must be checked against.
    const extra: PriceBookEntry[] = Array.from({ length: 100 - defaultPlatformPriceBookEntries().length }, (_, i) => ({
      type: 'rule',
      orgId: org.id,
      effectiveFrom: new Date(0),
      rule: {
        key: `extra-${i}`,
        description: `extra rule ${i}`,
        unit: 'object',
        priceMicros: 1_000n,
        apiGroup: i % 2 === 0 ? '' : 'example.com',
        kind: i % 2 === 0 ? 'Service' : `Kind${i}`,
        conditions: [{ path: ['metadata', 'labels', `tier-${i}`], op: 'exists' }],
      },
    }));
    await addPriceBookEntries(prisma, [...defaultPlatformPriceBookEntries(), ...extra]);
    return { orgId: org.id };
  } finally {
    await prisma.$disconnect();
  }
}

function service(name: string) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { type: 'ClusterIP', ports: [{ port: 80 }] } };
}

const podSpec = {
  initContainers: [{ name: 'migrate', image: 'app', resources: { requests: { cpu: '1', memory: '256Mi' } } }],
  containers: [
    { name: 'app', image: 'app', resources: { requests: { cpu: '250m', memory: '512Mi' } } },
    { name: 'proxy', image: 'envoy', resources: { limits: { cpu: '100m', memory: '64Mi' } } },
    { name: 'bare', image: 'busybox' },
  ],
  volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '1Gi' } } } } } }],
};
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'default' },
  spec: { replicas: 3, template: { spec: podSpec } },
};

/** The pricing table's heavier rows: every way of leaving requests out, claims, a CronJob and an autoscaler with its target. */
function workload(i: number): { object: unknown; context: PricingContext } {
  const region = 'eu';
  switch (i % 4) {
    case 0:
      return { object: deployment, context: { region } };
    case 1:
      return {
        object: {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name: 'db', namespace: 'default' },
          spec: { replicas: 3, template: { spec: podSpec }, volumeClaimTemplates: [{ spec: { resources: { requests: { storage: '20Gi' } } } }] },
        },
        context: { region },
      };
    case 2:
      return {
        object: {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: { name: 'nightly', namespace: 'default' },
          spec: { schedule: '@daily', jobTemplate: { spec: { parallelism: 4, template: { spec: podSpec } } } },
        },
        context: { region },
      };
    default:
      return {
        object: {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name: 'api', namespace: 'default' },
          spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, minReplicas: 1, maxReplicas: 10 },
        },
        context: { region, scaleTarget: deployment },
      };
  }
}

async function overhead(url: string, orgId: string, n: number, kinds: 'service' | 'workloads') {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const book = await loadPriceBookSql(pool, orgId, new Date());
    const pricing: number[] = [];
    const total: number[] = [];
    const client = await pool.connect();
    try {
      for (let i = 0; i < n; i++) {
        const { object: obj, context } = kinds === 'service' ? { object: service(`s${i}`), context: { region: 'eu' } } : workload(i);
        const t0 = performance.now();
        const price = priceObject(obj, book, context).priceMicros;
        const t1 = performance.now();
        // What the cost step does on a priced write: BEGIN + path lock + recorded price in one round trip.
        const locked = await lockCostPathAndPrice(client, KCP_PATH, { resource: 'services', namespace: 'default', name: `s${i}` }, { begin: true });
        const path = locked?.path;
        const decision = evaluateBudgets(budgetsOf(path!), price - (locked?.oldPriceMicros ?? 0n), describeObject(obj));
        await client.query('rollback');
        const t2 = performance.now();
        if (!decision.allowed || path!.nodes.length !== TEAMS.length + 2) throw new Error('unexpected bench setup');
        pricing.push(t1 - t0);
        total.push(t2 - t0);
      }
    } finally {
      client.release();
    }
    pricing.sort((a, b) => a - b);
    total.sort((a, b) => a - b);
    return {
      objects: kinds === 'service' ? 'ClusterIP Service' : 'Deployment, StatefulSet, CronJob, HPA (3 containers + init, floors, claims)',
      rules: book.rules.length,
      pathNodes: TEAMS.length + 2,
      pricingP50Ms: percentile(pricing, 50),
      pricingP99Ms: percentile(pricing, 99),
      p50Ms: percentile(total, 50),
      p99Ms: percentile(total, 99),
    };
  } finally {
    await pool.end();
  }
}

async function throughput(url: string, cost: boolean, concurrency: number, total: number) {
  const server = await startApiServer({
    databaseUrl: url,
    adminToken: TOKEN,
    host: '127.0.0.1',
    port: 0,
    logger: pino({ level: 'warn' }, pino.destination(2)),
    compactionIntervalMs: 0,
    ...(cost ? {} : { cost: false as const }),
  });
  try {
    if (!(await server.clusters.resolve(KCP_PATH))) {
      let path = 'root';
      for (const segment of KCP_PATH.split(':').slice(1)) {
        path = `${path}:${segment}`;
        if (!(await server.clusters.resolve(path))) await server.clusters.create(path);
      }
    }
    const prefix = `${cost ? 'on' : 'off'}-c${concurrency}`;
    return await runCount(concurrency, total, async (i) => {
      const res = await fetch(`${server.url}/clusters/${KCP_PATH}/api/v1/namespaces/default/services`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(service(`${prefix}-${i}`)),
      });
      if (res.status !== 201) throw new Error(`create ${prefix}-${i}: ${res.status} ${await res.text()}`);
    });
  } finally {
    await server.close();
  }
}

export default async function run(ctx: Ctx): Promise<void> {
  const database = await ctx.createDatabase();
  try {
    const { orgId } = await seed(database.url);
    ctx.report({ name: 'admission.cost-overhead', ...(await overhead(database.url, orgId, 2000, 'service')) });
    ctx.report({ name: 'admission.cost-overhead-workloads', ...(await overhead(database.url, orgId, 2000, 'workloads')) });
    for (const concurrency of [1, 16]) {
      const total = concurrency === 1 ? 500 : 2000;
      const off = await throughput(database.url, false, concurrency, total);
      const on = await throughput(database.url, true, concurrency, total);
      ctx.report({ name: 'admission.create-priced', concurrency, off, on, ratioOnToOff: +(on.opsPerSec / off.opsPerSec).toFixed(3) });
    }
  } finally {
    await database.drop();
  }
}
