import {
  type AcquisitionContext,
  type AcquisitionViolation,
  AppError,
  type Budget,
  type ClusterTemplate,
  effectiveTeamIds,
  evaluateAcquisition,
  mayManageClustersIn,
  type Role,
  subtreeIds,
  teamAncestry,
} from '@atrium/core';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { createLogicalClusterRequest } from '../logical-clusters.js';
import type { Actor, Db } from '../shared.js';
import { type ClusterRow, clusterInclude, toClusterRow } from './cluster-row.js';

export interface ClusterRequestInput {
  name: string;
  teamId: string;
  /** Template slug: the org's own templates and the platform's. */
  template: string;
  regions: string[];
  labels?: Record<string, string>;
  /** A budget other than the template's default (within its maximum). */
  budgetMicros?: bigint;
}

export type ClusterRequestResult = { allowed: true; cluster: ClusterRow } | { allowed: false; headline: string; violations: readonly AcquisitionViolation[] };

const LIVE = { not: 'Deleted' } as const;

// Math.max does not take bigints.
const maxBig = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/**
 * Policy injection point 1, end to end: load everything the acquisition rules look at, ask
 * `evaluateAcquisition`, and on success record the cluster (phase Requested), its provisioning
 * job and its budget in one transaction.
 *
 * The org row is locked for the whole check-and-insert, so two requests cannot both pass a
 * count limit, a budget's headroom or the name check with room for only one (the bench's
 * 50 clusters/s is across orgs; within an org requests queue for a few milliseconds).
 *
 * The insert, the cluster's cost node (with its base fee charged up the path) and the
 * provisioning job come from `createLogicalClusterRequest`, joined to this transaction so the
 * audit event commits with them.
 *
 * Team, template and policy names in messages are slugs: they are what people see in kcp
 * paths and what the `policy`/`templates` pages show. Inside the acquisition context team
 * ids are those slugs (unique within the org), so a template restricted to a team that is not
 * an ancestor is still named, not shown as an opaque id.
 */
export async function requestCluster(
  db: Db,
  o: { orgId: string; actor: Actor; role: Role; membershipId: string; request: ClusterRequestInput },
): Promise<ClusterRequestResult> {
  const req = o.request;
  return db.$transaction(async (tx) => {
    // The lock (as `lockOrg` takes it) and the org's fields in one statement.
    const [org] = await tx.$queryRaw<
      Array<{ slug: string; maxClusters: number | null }>
    >`select slug, "maxClusters" from "Organization" where id = ${o.orgId} for update`;
    if (!org) throw AppError.notFound('Organisation');
    // Sequential: a transaction is one connection, and pg refuses overlapping queries on one client.
    const teams = await tx.team.findMany({ where: { orgId: o.orgId }, select: { id: true, parentId: true, slug: true, name: true, maxClusters: true } });
    const myTeams = await tx.teamMember.findMany({ where: { membershipId: o.membershipId, team: { orgId: o.orgId } }, select: { teamId: true } });
    const ancestry = teamAncestry(teams, req.teamId);
    if (!ancestry) {
      throw new AppError('VALIDATION_FAILED', 'The team does not exist in this organisation.', {
        details: { fields: { teamId: ['Choose a team of this organisation.'] } },
      });
    }
    const team = ancestry[ancestry.length - 1]!;
    if (
      !mayManageClustersIn(
        o.role,
        team.id,
        effectiveTeamIds(
          teams,
          myTeams.map((m) => m.teamId),
        ),
      )
    ) {
      throw new AppError(
        'FORBIDDEN',
        `You can request clusters only in teams you belong to (or their sub-teams); you are not a member of team \`${team.slug}\`.`,
        {
          details: { fields: { teamId: ['You are not a member of this team.'] } },
        },
      );
    }

    const templates = await tx.clusterTemplate.findMany({
      where: { OR: [{ orgId: null }, { orgId: o.orgId }] },
      include: { teams: { where: { team: { orgId: o.orgId } }, select: { teamId: true } } },
    });
    const regions = await tx.region.findMany({ select: { slug: true } });
    const liveClusters = await tx.logicalCluster.findMany({
      where: { orgId: o.orgId, phase: LIVE },
      select: {
        id: true,
        name: true,
        teamId: true,
        kcpPath: true,
        templateId: true,
        budgets: { where: { scope: 'cluster' }, select: { capMicros: true, committedMicros: true } },
      },
    });
    const budgets = await tx.budget.findMany({
      where: { orgId: o.orgId, OR: [{ scope: 'org' }, { scope: 'team', teamId: { in: ancestry.map((t) => t.id) } }] },
      select: { id: true, scope: true, teamId: true, capMicros: true, committedMicros: true },
    });

    // An org's template shadows a platform template of the same slug (creation prevents it; a
    // platform template published later must not change what an org's requests resolve to).
    const bySlug = new Map<string, (typeof templates)[number]>();
    for (const t of templates) if (t.orgId !== null || !bySlug.has(t.slug)) bySlug.set(t.slug, t);
    const slugOf = new Map(teams.map((t) => [t.id, t.slug]));
    const templateSlugById = new Map(templates.map((t) => [t.id, t.slug]));
    const coreTemplates: ClusterTemplate[] = [...bySlug.values()].map((t) => ({
      name: t.slug,
      allowedRegions: t.allowedRegions.length ? t.allowedRegions : null,
      defaultBudgetMicros: t.defaultBudgetMicros ?? 0n,
      maxBudgetMicros: t.maxBudgetMicros,
      maxClustersPerTeam: t.maxClustersPerTeam,
      teamRestriction: t.restrictedToTeams
        ? {
            teamIds: t.teams.map((x) => slugOf.get(x.teamId) ?? x.teamId),
            source: t.orgId === null ? { scope: 'platform' } : { scope: 'org', name: org.slug },
          }
        : null,
    }));

    // What a budget has promised already: its committed run-rate, or what the live clusters
    // under it may spend if that adds up to more — a capped cluster may grow to its cap, an
    // uncapped one is counted at what it runs now.
    const reservedUnder = (teamIds: Set<string> | null) =>
      liveClusters
        .filter((c) => teamIds === null || teamIds.has(c.teamId))
        .reduce((sum, c) => sum + maxBig(c.budgets[0]?.capMicros ?? 0n, c.budgets[0]?.committedMicros ?? 0n), 0n);
    // Nodes without a cap are no budget: they bound nothing.
    const teamBudgets: Budget[] = [];
    for (const t of [...ancestry].reverse()) {
      const b = budgets.find((x) => x.scope === 'team' && x.teamId === t.id);
      if (!b || b.capMicros === null) continue;
      const reserved = reservedUnder(subtreeIds(teams, t.id));
      teamBudgets.push({
        scope: 'team',
        id: b.id,
        name: t.slug,
        capMicros: b.capMicros,
        committedMicros: maxBig(reserved, b.committedMicros),
      });
    }
    const orgBudget = budgets.find((x) => x.scope === 'org');
    if (orgBudget && orgBudget.capMicros !== null) {
      const reserved = reservedUnder(null);
      teamBudgets.push({
        scope: 'org',
        id: orgBudget.id,
        name: org.slug,
        capMicros: orgBudget.capMicros,
        committedMicros: maxBig(reserved, orgBudget.committedMicros),
      });
    }

    const clusterLimits: AcquisitionContext['clusterLimits'][number][] = [];
    for (const t of [...ancestry].reverse()) {
      if (t.maxClusters === null) continue;
      const subtree = subtreeIds(teams, t.id);
      clusterLimits.push({
        label: `team \`${t.slug}\``,
        maxClusters: t.maxClusters,
        currentClusters: liveClusters.filter((c) => subtree.has(c.teamId)).length,
        source: { scope: 'team', name: t.slug },
      });
    }
    if (org.maxClusters !== null) {
      clusterLimits.push({
        label: `org \`${org.slug}\``,
        maxClusters: org.maxClusters,
        currentClusters: liveClusters.length,
        source: { scope: 'org', name: org.slug },
      });
    }

    const decision = evaluateAcquisition(
      { name: req.name, templateName: req.template, regions: req.regions, ...(req.budgetMicros !== undefined ? { budgetMicros: req.budgetMicros } : {}) },
      {
        teamPath: [...ancestry].reverse().map((t) => ({ id: t.slug, name: t.slug })),
        orgName: org.slug,
        templates: coreTemplates,
        regions: regions.map((r) => r.slug),
        teamClusters: liveClusters.filter((c) => c.teamId === team.id).map((c) => ({ name: c.name, templateName: templateSlugById.get(c.templateId) ?? '' })),
        clusterLimits,
        budgets: teamBudgets,
      },
    );
    if (!decision.allowed) return { allowed: false, headline: decision.headline, violations: decision.violations };

    // A cluster is a workspace nested in its team's: it must not take the path of a sub-team
    // (whose clusters live below that path) or of any live cluster.
    // kcp's path syntax (as @atrium/kube's `kcpPath`, which db does not import: it pulls the
    // Kubernetes client in). Every segment is a DNS label: slugs by their schemas, the name by
    // the acquisition check above.
    const path = ['root', org.slug, ...ancestry.map((t) => t.slug), req.name].join(':');
    const subTeam = teams.find((t) => t.parentId === team.id && t.slug === req.name);
    if (subTeam || liveClusters.some((c) => c.kcpPath === path)) {
      throw new AppError('CONFLICT', `The path ${path} is taken${subTeam ? ` by sub-team \`${subTeam.slug}\`` : ''}: choose another cluster name.`, {
        details: { fields: { name: ['This name is taken in the team’s path.'] } },
      });
    }

    const template = bySlug.get(req.template)!;
    // No cap when neither the template nor the request sets one: a zero cap would refuse
    // every object, while none leaves the cluster bounded by its team and org budgets. The
    // node itself always exists, so the cluster's run-rate is kept either way.
    const capMicros = req.budgetMicros !== undefined || template.defaultBudgetMicros !== null ? decision.budgetMicros : null;
    const created = await createLogicalClusterRequest(tx, {
      orgId: o.orgId,
      teamId: team.id,
      name: req.name,
      kcpPath: path,
      templateId: template.id,
      regions: [...new Set(req.regions)],
      labels: req.labels ?? {},
      requestedById: o.actor.userId,
      capMicros,
    });
    await recordAuditEvent(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'cluster.request',
      targetType: 'cluster',
      targetId: created.id,
      after: {
        name: created.name,
        team: team.slug,
        template: template.slug,
        regions: created.regions,
        kcpPath: path,
        budgetMicros: capMicros === null ? null : capMicros.toString(),
      },
    });
    const row = await tx.logicalCluster.findUniqueOrThrow({ where: { id: created.id }, include: clusterInclude });
    const requester = await tx.user.findUnique({ where: { id: o.actor.userId }, select: { email: true } });
    return { allowed: true, cluster: toClusterRow(row, requester?.email ?? null) };
  });
}
