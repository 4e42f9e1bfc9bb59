import { formatMonthlyMicros } from './money.js';

/**
 * What a new budget cap would do, worked out from the cost tree before it is saved, so the
 * admin sees it while typing: whether the node is already over it (from then on admission
 * takes only changes that lower cost), how many nodes under it already run above it, and
 * whether a smaller budget above it limits it anyway. Pure and browser-safe (imports only
 * money formatting), because the console runs it on every keystroke.
 */

export interface CapTreeNode {
  /** Unique within the tree, e.g. "team:<id>". */
  readonly key: string;
  readonly scope: 'org' | 'team' | 'cluster';
  /** Org slug, team slug or cluster name: how admission names budgets. */
  readonly name: string;
  readonly parentKey: string | null;
  readonly runRateMicros: bigint;
  /** Null: no budget on this node. */
  readonly capMicros: bigint | null;
}

export interface CapEffect {
  /** Sentences for the admin, most important first. */
  readonly notes: string[];
  /** The node's run-rate is above the new cap: only cost-lowering changes will be admitted. */
  readonly over: boolean;
  /** Whole percent of the new cap the node already uses (null without a positive cap). */
  readonly percent: number | null;
  /** Nodes under the target whose own run-rate already exceeds the new cap. */
  readonly exceeding: readonly CapTreeNode[];
}

const label = (n: CapTreeNode) => `${n.scope} ${n.name}`;
const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** The effect of setting `capMicros` (null: clearing the budget) on the node `targetKey`. */
export function capEffect(nodes: readonly CapTreeNode[], targetKey: string, capMicros: bigint | null): CapEffect {
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const target = byKey.get(targetKey);
  if (!target) throw new RangeError(`no node ${targetKey} in the cost tree`);
  if (capMicros !== null && capMicros < 0n) throw new RangeError('a budget cannot be negative');

  const ancestors: CapTreeNode[] = [];
  const seen = new Set([target.key]);
  for (let p = target.parentKey ? byKey.get(target.parentKey) : undefined; p && !seen.has(p.key); p = p.parentKey ? byKey.get(p.parentKey) : undefined) {
    seen.add(p.key);
    ancestors.push(p);
  }
  const isUnder = (n: CapTreeNode): boolean => {
    const visited = new Set<string>();
    for (let p = n.parentKey; p !== null && !visited.has(p); p = byKey.get(p)?.parentKey ?? null) {
      if (p === target.key) return true;
      visited.add(p);
    }
    return false;
  };
  const descendants = nodes.filter((n) => n.key !== target.key && isUnder(n));

  if (capMicros === null) {
    const limiting = ancestors.filter((a) => a.capMicros !== null);
    const notes =
      target.capMicros === null
        ? []
        : [
            limiting.length
              ? `No budget on ${label(target)}: it stays limited by ${limiting.map(label).join(', ')}.`
              : `No budget on ${label(target)}: nothing above it limits what it may spend.`,
          ];
    return { notes, over: false, percent: null, exceeding: [] };
  }

  const notes: string[] = [];
  const over = target.runRateMicros > capMicros;
  const percent = capMicros > 0n ? Number((target.runRateMicros * 100n) / capMicros) : null;
  if (over) {
    notes.push(`${label(target)} already commits ${formatMonthlyMicros(target.runRateMicros)}: only changes that lower cost will be admitted.`);
  } else if (percent !== null && percent >= 80) {
    notes.push(`${label(target)} would be at ${percent}% of ${formatMonthlyMicros(capMicros)}: kubectl warns from 80%.`);
  } else {
    notes.push(`${label(target)} commits ${formatMonthlyMicros(target.runRateMicros)}: ${formatMonthlyMicros(capMicros - target.runRateMicros)} of headroom.`);
  }

  const exceeding = descendants.filter((d) => d.runRateMicros > capMicros).sort((a, b) => (a.runRateMicros > b.runRateMicros ? -1 : 1));
  const clusters = exceeding.filter((d) => d.scope === 'cluster');
  const teams = exceeding.filter((d) => d.scope === 'team');
  if (clusters.length)
    notes.push(`${plural(clusters.length, 'cluster already exceeds', 'clusters already exceed')} this: ${clusters.map((c) => c.name).join(', ')}.`);
  if (teams.length) notes.push(`${plural(teams.length, 'sub-team already exceeds', 'sub-teams already exceed')} this: ${teams.map((t) => t.name).join(', ')}.`);

  const tighter = ancestors.find((a) => a.capMicros !== null && a.capMicros < capMicros);
  if (tighter?.capMicros != null) {
    notes.push(`${label(tighter)}'s budget of ${formatMonthlyMicros(tighter.capMicros)} is smaller and still limits ${label(target)}.`);
  }
  return { notes, over, percent, exceeding };
}
