import { AppError } from '@atrium/core';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { type Actor, type Db, lockOrg } from '../shared.js';

/**
 * Deletes a leaf team. Sub-teams and clusters must be moved or deleted first; its cost node
 * (which has nothing committed once no cluster is left) goes with it by cascade.
 */
export async function deleteTeam(db: Db, o: { orgId: string; actor: Actor; teamId: string }): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockOrg(tx, o.orgId);
    const team = await tx.team.findFirst({
      where: { id: o.teamId, orgId: o.orgId },
      include: { _count: { select: { children: true, logicalClusters: { where: { deletedAt: null } } } } },
    });
    if (!team) throw AppError.notFound('Team');
    if (team._count.children > 0) throw new AppError('CONFLICT', `"${team.name}" has sub-teams: move or delete them first.`);
    if (team._count.logicalClusters > 0) throw new AppError('CONFLICT', `"${team.name}" still has clusters: delete them first.`);
    // Tombstoned clusters keep billing history and reference the team: detach nothing, refuse instead.
    const anyClusters = await tx.logicalCluster.count({ where: { orgId: o.orgId, teamId: team.id } });
    if (anyClusters > 0) throw new AppError('CONFLICT', `"${team.name}" has cluster history and cannot be deleted.`);
    await tx.team.delete({ where: { id: team.id } });
    await recordAuditEvent(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'team.delete',
      targetType: 'team',
      targetId: team.id,
      before: { name: team.name, slug: team.slug, parentId: team.parentId },
    });
  });
}
