import { AppError, effectiveTeamIds, mayManageClustersIn, type Role } from '@atrium/core';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { requestLogicalClusterDeletion } from '../logical-clusters.js';
import type { Actor, Db } from '../shared.js';

/**
 * Asks the worker to delete a cluster (phase Deleting; the row stays as a tombstone once the
 * Workspace is gone). Developers may delete clusters of teams they act in; admins any.
 * Deleting a cluster that is already going or gone is a 409, not a silent success.
 */
export async function deleteCluster(db: Db, o: { orgId: string; actor: Actor; role: Role; membershipId: string; clusterId: string }): Promise<void> {
  const cluster = await db.logicalCluster.findFirst({
    where: { id: o.clusterId, orgId: o.orgId },
    select: { id: true, name: true, kcpPath: true, teamId: true, phase: true },
  });
  if (!cluster) throw AppError.notFound('Cluster');
  const [teams, mine] = await Promise.all([
    db.team.findMany({ where: { orgId: o.orgId }, select: { id: true, parentId: true } }),
    db.teamMember.findMany({ where: { membershipId: o.membershipId, team: { orgId: o.orgId } }, select: { teamId: true } }),
  ]);
  if (
    !mayManageClustersIn(
      o.role,
      cluster.teamId,
      effectiveTeamIds(
        teams,
        mine.map((m) => m.teamId),
      ),
    )
  ) {
    throw new AppError('FORBIDDEN', 'You can delete clusters only in teams you belong to (or their sub-teams).');
  }
  // The lead's verb: the phase change and the reconcile job commit together.
  if (!(await requestLogicalClusterDeletion(db, { orgId: o.orgId, id: cluster.id }))) {
    throw new AppError('CONFLICT', `Cluster \`${cluster.name}\` is already ${cluster.phase === 'Deleted' ? 'deleted' : 'being deleted'}.`);
  }
  await recordAuditEvent(db, {
    orgId: o.orgId,
    actor: o.actor,
    action: 'cluster.delete',
    targetType: 'cluster',
    targetId: cluster.id,
    before: { name: cluster.name, kcpPath: cluster.kcpPath, phase: cluster.phase },
  });
}
