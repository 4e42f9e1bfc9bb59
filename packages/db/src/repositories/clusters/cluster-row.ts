import type { LogicalClusterPhase } from '../../generated/prisma/enums.js';

export interface ClusterRow {
  id: string;
  name: string;
  kcpPath: string;
  phase: LogicalClusterPhase;
  message: string | null;
  url: string | null;
  regions: string[];
  labels: Record<string, string>;
  team: { id: string; slug: string; name: string };
  template: { id: string; slug: string; name: string };
  requestedByEmail: string | null;
  /** The cluster's own monthly budget cap, when it has one. */
  budgetMicros: bigint | null;
  /** What the cluster's objects and base fee cost per month now (0 once tombstoned: its cost is released). */
  runRateMicros: bigint;
  createdAt: Date;
  readyAt: Date | null;
  deletedAt: Date | null;
}

export const clusterInclude = {
  team: { select: { id: true, slug: true, name: true } },
  template: { select: { id: true, slug: true, name: true } },
  budgets: { where: { scope: 'cluster' }, select: { capMicros: true, committedMicros: true } },
} as const;

export function toClusterRow(
  c: {
    id: string;
    name: string;
    kcpPath: string;
    phase: LogicalClusterPhase;
    message: string | null;
    url: string | null;
    regions: string[];
    labels: unknown;
    createdAt: Date;
    readyAt: Date | null;
    deletedAt: Date | null;
    team: { id: string; slug: string; name: string };
    template: { id: string; slug: string; name: string };
    budgets: Array<{ capMicros: bigint | null; committedMicros: bigint }>;
  },
  requestedByEmail: string | null,
): ClusterRow {
  const labels = c.labels && typeof c.labels === 'object' && !Array.isArray(c.labels) ? (c.labels as Record<string, unknown>) : {};
  return {
    id: c.id,
    name: c.name,
    kcpPath: c.kcpPath,
    phase: c.phase,
    message: c.message,
    url: c.url,
    regions: c.regions,
    labels: Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string')),
    team: c.team,
    template: c.template,
    requestedByEmail,
    budgetMicros: c.budgets[0]?.capMicros ?? null,
    runRateMicros: c.budgets[0]?.committedMicros ?? 0n,
    createdAt: c.createdAt,
    readyAt: c.readyAt,
    deletedAt: c.deletedAt,
  };
}
