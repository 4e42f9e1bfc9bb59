import { subtreeIds } from '@atrium/core';
import { type BudgetTree, listBudgets, setBudget } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { budgetView, type CapNode, capNotes } from './budget-view.js';
import { ZSetBudgetBody, ZSetBudgetParams, ZSetBudgetResponse } from './set-budget.types.js';

/** The caps above and below a node on the tree, labelled as admission labels budgets. */
function relatives(tree: BudgetTree, scope: 'org' | 'team' | 'cluster', id: string): { ancestors: CapNode[]; descendants: CapNode[]; label: string } {
  const cap = (b: { capMicros: bigint } | null) => b?.capMicros ?? null;
  const teamById = new Map(tree.teams.map((t) => [t.id, t]));
  const teamChain = (teamId: string | null): CapNode[] => {
    const out: CapNode[] = [];
    const seen = new Set<string>();
    for (let t = teamId ? teamById.get(teamId) : undefined; t && !seen.has(t.id); t = t.parentId ? teamById.get(t.parentId) : undefined) {
      seen.add(t.id);
      out.push({ label: `team ${t.slug}`, capMicros: cap(t.budget) });
    }
    return out;
  };
  const orgNode: CapNode = { label: `org ${tree.org.slug}`, capMicros: cap(tree.org.budget) };
  const clusterNodes = (teamIds: Set<string> | null) =>
    tree.clusters.filter((c) => teamIds === null || teamIds.has(c.teamId)).map((c) => ({ label: `cluster ${c.name}`, capMicros: cap(c.budget) }));
  if (scope === 'cluster') {
    const c = tree.clusters.find((x) => x.id === id);
    return { label: `cluster ${c?.name ?? id}`, ancestors: [...teamChain(c?.teamId ?? null), orgNode], descendants: [] };
  }
  if (scope === 'org') {
    return {
      label: orgNode.label,
      ancestors: [],
      descendants: [...tree.teams.map((t) => ({ label: `team ${t.slug}`, capMicros: cap(t.budget) })), ...clusterNodes(null)],
    };
  }
  const team = teamById.get(id);
  const under = subtreeIds(tree.teams, id);
  return {
    label: `team ${team?.slug ?? id}`,
    ancestors: [...teamChain(team?.parentId ?? null), orgNode],
    descendants: [
      ...tree.teams.filter((t) => t.id !== id && under.has(t.id)).map((t) => ({ label: `team ${t.slug}`, capMicros: cap(t.budget) })),
      ...clusterNodes(under),
    ],
  };
}

export const setBudgetRoute = defineRoute({
  method: 'PUT',
  path: '/orgs/{org}/budgets',
  summary: 'Set or clear the monthly cap of the org, a team or a live cluster (audited); a child may exceed its parent on paper',
  tag: 'cost',
  auth: 'org',
  permission: 'budget:write',
  params: ZSetBudgetParams,
  body: ZSetBudgetBody,
  response: ZSetBudgetResponse,
  async handler({ db, org, user, principal, ip, body }) {
    const target =
      body.scope === 'org'
        ? { scope: 'org' as const }
        : body.scope === 'team'
          ? { scope: 'team' as const, teamId: body.teamId }
          : { scope: 'cluster' as const, clusterId: body.clusterId };
    const result = await setBudget(db, { orgId: org.id, actor: { userId: user.id, tokenId: principal.tokenId, ip }, target, capMicros: body.capMicros });
    let notes: string[] = [];
    if (result.after) {
      const r = relatives(await listBudgets(db, { orgId: org.id }), result.scope, result.id);
      notes = capNotes({
        label: r.label,
        capMicros: result.after.capMicros,
        committedMicros: result.after.committedMicros,
        ancestors: r.ancestors,
        descendants: r.descendants,
      });
    }
    return {
      scope: result.scope,
      id: result.id,
      before: result.before ? budgetView(result.before.capMicros, result.before.committedMicros) : null,
      budget: result.after ? budgetView(result.after.capMicros, result.after.committedMicros) : null,
      notes,
    };
  },
});
