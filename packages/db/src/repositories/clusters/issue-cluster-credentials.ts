import { AppError, clusterAccessGroups, clusterContextName, effectiveTeamIds, mayAccessClusterIn, type Role } from '@atrium/core';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { mintBackendToken } from '../backend-tokens/mint-backend-token.js';
import type { Actor, Db } from '../shared.js';

export interface ClusterCredentials {
  kcpPath: string;
  contextName: string;
  username: string;
  groups: string[];
  token: string;
}

/**
 * A personal token for one Ready cluster, for its kubeconfig: user = the person's email,
 * groups = the teams they act in (the worker binds cluster-admin to the cluster's team group)
 * plus the org-admins group for owners and admins, usable on that cluster's path only.
 * Billing never gets one; developers only for clusters of their teams.
 */
export async function issueClusterCredentials(
  db: Db,
  o: { orgId: string; orgSlug: string; actor: Actor; role: Role; membershipId: string; email: string; clusterId: string },
): Promise<ClusterCredentials> {
  const cluster = await db.logicalCluster.findFirst({
    where: { id: o.clusterId, orgId: o.orgId },
    select: { id: true, name: true, kcpPath: true, teamId: true, phase: true, team: { select: { slug: true } } },
  });
  if (!cluster) throw AppError.notFound('Cluster');
  const [teams, mine] = await Promise.all([
    db.team.findMany({ where: { orgId: o.orgId }, select: { id: true, parentId: true } }),
    db.teamMember.findMany({ where: { membershipId: o.membershipId, team: { orgId: o.orgId } }, select: { teamId: true } }),
  ]);
  const effective = effectiveTeamIds(
    teams,
    mine.map((m) => m.teamId),
  );
  if (!mayAccessClusterIn(o.role, cluster.teamId, effective)) {
    throw new AppError('FORBIDDEN', `Only members of team \`${cluster.team.slug}\` (or its parent teams) and org admins get access to this cluster.`);
  }
  if (cluster.phase !== 'Ready') {
    throw new AppError('CONFLICT', `Cluster \`${cluster.name}\` is ${cluster.phase}: a kubeconfig is available once it is Ready.`);
  }
  const groups = clusterAccessGroups({ orgId: o.orgId, role: o.role, effectiveTeams: effective });
  return db.$transaction(async (tx) => {
    const { token, tokenHash } = await mintBackendToken(tx, { username: o.email, groups, clusters: [cluster.kcpPath] });
    await recordAuditEvent(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'cluster.kubeconfig',
      targetType: 'cluster',
      targetId: cluster.id,
      // The hash identifies the token for a later revocation; the secret is never stored.
      after: { kcpPath: cluster.kcpPath, username: o.email, groups, tokenSha256: tokenHash },
    });
    return { kcpPath: cluster.kcpPath, contextName: clusterContextName(o.orgSlug, cluster.team.slug, cluster.name), username: o.email, groups, token };
  });
}
