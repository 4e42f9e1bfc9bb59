import { AppError, checkTeamMove } from '@atrium/core';
import type { Team } from '../../generated/prisma/client.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { type Actor, type Db, lockOrg } from '../shared.js';
import { moveTeamRunRate } from './move-team-run-rate.js';

/**
 * Renames and/or moves a team (parentId null = top level; undefined = unchanged). A move takes
 * the team's run-rate from the ancestors it leaves to the ones it joins, in the same transaction.
 */
export async function updateTeam(
  db: Db,
  o: { orgId: string; actor: Actor; teamId: string; name?: string | undefined; parentId?: string | null | undefined },
): Promise<Team> {
  return db.$transaction(async (tx) => {
    await lockOrg(tx, o.orgId);
    const teams = await tx.team.findMany({ where: { orgId: o.orgId } });
    const team = teams.find((t) => t.id === o.teamId);
    if (!team) throw AppError.notFound('Team');
    const data: { name?: string; parentId?: string | null } = {};
    if (o.name !== undefined && o.name !== team.name) data.name = o.name;
    if (o.parentId !== undefined && o.parentId !== team.parentId) {
      if (o.parentId !== null && !teams.some((t) => t.id === o.parentId)) {
        throw new AppError('VALIDATION_FAILED', 'The new parent team does not exist.', {
          details: { fields: { parentId: ['Choose a team of this organisation.'] } },
        });
      }
      const verdict = checkTeamMove(teams, team.id, o.parentId);
      if (!verdict.ok) throw new AppError('VALIDATION_FAILED', verdict.message, { details: { fields: { parentId: [verdict.message] } } });
      data.parentId = o.parentId;
    }
    if (Object.keys(data).length === 0) return team;
    if (data.parentId !== undefined) {
      await moveTeamRunRate(tx, { orgId: o.orgId, teams, teamId: team.id, from: team.parentId, to: data.parentId });
    }
    const updated = await tx.team.update({ where: { id: team.id }, data });
    await recordAuditEvent(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: data.parentId !== undefined ? 'team.move' : 'team.update',
      targetType: 'team',
      targetId: team.id,
      before: { name: team.name, parentId: team.parentId },
      after: { name: updated.name, parentId: updated.parentId },
    });
    return updated;
  });
}
