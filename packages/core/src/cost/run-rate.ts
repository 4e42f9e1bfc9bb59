import type { Budget, BudgetScope } from './budget.js';

/**
 * Run-rates: the monthly cost of what is running now. A cluster's run-rate is the sum of its
 * objects' prices, a team's the sum over its clusters and sub-teams, the org's over all.
 *
 * The API server keeps them incrementally (each admitted change adds its delta to every node
 * on the cluster's path, `runRateUpdates`); a check command recomputes them from scratch
 * (`computeRunRates`) and must agree to the micro-dollar (`diffRunRates`). Both use only
 * BigInt addition, so they agree exactly whatever the order of changes.
 */

export interface CostTree {
  readonly orgId: string;
  /** Team id → parent team id, or null for a team directly under the org. */
  readonly teamParents: ReadonlyMap<string, string | null>;
  /** Cluster id → the team it belongs to. */
  readonly clusterTeams: ReadonlyMap<string, string>;
}

export interface CostNode {
  readonly scope: BudgetScope;
  readonly id: string;
}

export interface RunRates {
  readonly clusters: ReadonlyMap<string, bigint>;
  readonly teams: ReadonlyMap<string, bigint>;
  readonly orgMicros: bigint;
}

export interface RunRateUpdate extends CostNode {
  readonly deltaMicros: bigint;
}

export class CostTreeError extends Error {
  override readonly name = 'CostTreeError';
}

/** "cluster:<id>", "team:<id>", "org:<id>": the key budgets and run-rates are stored under. */
export function costNodeKey(node: CostNode): string {
  return `${node.scope}:${node.id}`;
}

/** The nodes whose run-rate a cluster's objects count towards: cluster, teams innermost first, org. */
export function costPath(tree: CostTree, clusterId: string): CostNode[] {
  const teamId = tree.clusterTeams.get(clusterId);
  if (teamId === undefined) throw new CostTreeError(`cluster ${clusterId} is not in org ${tree.orgId}`);
  const path: CostNode[] = [{ scope: 'cluster', id: clusterId }];
  const seen = new Set<string>();
  let current: string | null = teamId;
  while (current !== null) {
    if (seen.has(current)) throw new CostTreeError(`team hierarchy of org ${tree.orgId} has a cycle through team ${current}`);
    seen.add(current);
    const parent = tree.teamParents.get(current);
    if (parent === undefined) throw new CostTreeError(`team ${current} is not in org ${tree.orgId}`);
    path.push({ scope: 'team', id: current });
    current = parent;
  }
  path.push({ scope: 'org', id: tree.orgId });
  return path;
}

/** What an admitted change adds to each run-rate on its cluster's path. */
export function runRateUpdates(tree: CostTree, clusterId: string, deltaMicros: bigint): RunRateUpdate[] {
  return costPath(tree, clusterId).map((node) => ({ ...node, deltaMicros }));
}

export function emptyRunRates(): RunRates {
  return { clusters: new Map(), teams: new Map(), orgMicros: 0n };
}

/** Applies updates to a copy of `rates`. */
export function applyRunRateUpdates(rates: RunRates, updates: readonly RunRateUpdate[]): RunRates {
  const clusters = new Map(rates.clusters);
  const teams = new Map(rates.teams);
  let orgMicros = rates.orgMicros;
  for (const update of updates) {
    if (update.scope === 'org') orgMicros += update.deltaMicros;
    else {
      const target = update.scope === 'cluster' ? clusters : teams;
      target.set(update.id, (target.get(update.id) ?? 0n) + update.deltaMicros);
    }
  }
  return { clusters, teams, orgMicros };
}

/** From scratch: every object's current price, summed up the tree. */
export function computeRunRates(tree: CostTree, objects: Iterable<{ readonly clusterId: string; readonly priceMicros: bigint }>): RunRates {
  const clusters = new Map<string, bigint>();
  for (const { clusterId, priceMicros } of objects) {
    if (!tree.clusterTeams.has(clusterId)) throw new CostTreeError(`cluster ${clusterId} is not in org ${tree.orgId}`);
    clusters.set(clusterId, (clusters.get(clusterId) ?? 0n) + priceMicros);
  }
  const teams = new Map<string, bigint>();
  let orgMicros = 0n;
  for (const [clusterId, clusterMicros] of clusters) {
    for (const node of costPath(tree, clusterId)) {
      if (node.scope === 'team') teams.set(node.id, (teams.get(node.id) ?? 0n) + clusterMicros);
      else if (node.scope === 'org') orgMicros += clusterMicros;
    }
  }
  return { clusters, teams, orgMicros };
}

/** Where two run-rate sets disagree (a missing entry counts as 0); empty when they agree to the micro-dollar. */
export function diffRunRates(expected: RunRates, actual: RunRates): { node: CostNode; expectedMicros: bigint; actualMicros: bigint }[] {
  const differences: { node: CostNode; expectedMicros: bigint; actualMicros: bigint }[] = [];
  const compare = (scope: 'cluster' | 'team', left: ReadonlyMap<string, bigint>, right: ReadonlyMap<string, bigint>) => {
    for (const id of [...new Set([...left.keys(), ...right.keys()])].sort()) {
      const expectedMicros = left.get(id) ?? 0n;
      const actualMicros = right.get(id) ?? 0n;
      if (expectedMicros !== actualMicros) differences.push({ node: { scope, id }, expectedMicros, actualMicros });
    }
  };
  compare('cluster', expected.clusters, actual.clusters);
  compare('team', expected.teams, actual.teams);
  if (expected.orgMicros !== actual.orgMicros)
    differences.push({ node: { scope: 'org', id: '' }, expectedMicros: expected.orgMicros, actualMicros: actual.orgMicros });
  return differences;
}

export function runRateOf(rates: RunRates, node: CostNode): bigint {
  if (node.scope === 'org') return rates.orgMicros;
  return (node.scope === 'cluster' ? rates.clusters : rates.teams).get(node.id) ?? 0n;
}

export interface BudgetCap {
  readonly name: string;
  readonly capMicros: bigint;
}

/**
 * The budgets on a cluster's path, innermost first, with their run-rates as committed
 * amounts; nodes without a budget (keyed by `costNodeKey`) are skipped.
 */
export function budgetPath(tree: CostTree, clusterId: string, caps: ReadonlyMap<string, BudgetCap>, rates: RunRates): Budget[] {
  const budgets: Budget[] = [];
  for (const node of costPath(tree, clusterId)) {
    const cap = caps.get(costNodeKey(node));
    if (cap) budgets.push({ scope: node.scope, id: node.id, name: cap.name, capMicros: cap.capMicros, committedMicros: runRateOf(rates, node) });
  }
  return budgets;
}
