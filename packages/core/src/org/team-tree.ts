/**
 * The team hierarchy as a tree, and the rule that keeps it one: a team can
 * never be moved under itself or one of its descendants.
 */
export interface TeamLike {
  id: string;
  parentId: string | null;
}

export type TeamNode<T extends TeamLike> = T & { children: TeamNode<T>[]; depth: number };

export const MAX_TEAM_DEPTH = 8;

export function buildTeamTree<T extends TeamLike>(teams: readonly T[], compare?: (a: T, b: T) => number): TeamNode<T>[] {
  const nodes = new Map<string, TeamNode<T>>();
  for (const t of teams) nodes.set(t.id, { ...t, children: [], depth: 0 });
  const roots: TeamNode<T>[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const visit = (list: TeamNode<T>[], depth: number) => {
    if (compare) list.sort(compare);
    for (const n of list) {
      n.depth = depth;
      visit(n.children, depth + 1);
    }
  };
  visit(roots, 0);
  return roots;
}

/** Ids of `teamId` and every team below it. */
export function subtreeIds(teams: readonly TeamLike[], teamId: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const t of teams) if (t.parentId) children.set(t.parentId, [...(children.get(t.parentId) ?? []), t.id]);
  const out = new Set<string>();
  const stack = [teamId];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}

function depthOf(teams: readonly TeamLike[], id: string | null): number {
  const byId = new Map(teams.map((t) => [t.id, t]));
  let depth = 0;
  let cur = id ? byId.get(id) : undefined;
  while (cur && depth <= teams.length) {
    depth += 1;
    cur = cur.parentId ? byId.get(cur.parentId) : undefined;
  }
  return depth;
}

function subtreeHeight(teams: readonly TeamLike[], id: string): number {
  const kids = teams.filter((t) => t.parentId === id);
  return 1 + Math.max(0, ...kids.map((k) => subtreeHeight(teams, k.id)));
}

export type MoveVerdict = { ok: true } | { ok: false; message: string };

/** May `teamId` be placed under `newParentId` (null = top level)? */
export function checkTeamMove(teams: readonly TeamLike[], teamId: string, newParentId: string | null): MoveVerdict {
  if (newParentId === null) return { ok: true };
  if (newParentId === teamId) return { ok: false, message: 'A team cannot be its own parent.' };
  if (subtreeIds(teams, teamId).has(newParentId)) return { ok: false, message: 'A team cannot be moved under one of its own sub-teams.' };
  if (depthOf(teams, newParentId) + subtreeHeight(teams, teamId) > MAX_TEAM_DEPTH) {
    return { ok: false, message: `Teams can be nested at most ${MAX_TEAM_DEPTH} levels deep.` };
  }
  return { ok: true };
}

/** May a new team be created under `parentId`? */
export function checkNewTeamDepth(teams: readonly TeamLike[], parentId: string | null): MoveVerdict {
  if (parentId !== null && depthOf(teams, parentId) + 1 > MAX_TEAM_DEPTH) {
    return { ok: false, message: `Teams can be nested at most ${MAX_TEAM_DEPTH} levels deep.` };
  }
  return { ok: true };
}
