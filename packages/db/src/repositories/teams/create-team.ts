import { AppError, checkNewTeamDepth } from '@atrium/core';
import type { Team } from '../../generated/prisma/client.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { type Actor, type Db, isUniqueViolation, lockOrg } from '../shared.js';

export async function createTeam(db: Db, o: { orgId: string; actor: Actor; name: string; slug: string; parentId?: string | null | undefined }): Promise<Team> {
  try {
    return await db.$transaction(async (tx) => {
      await lockOrg(tx, o.orgId);
      const parentId = o.parentId ?? null;
      if (parentId) {
        const teams = await tx.team.findMany({ where: { orgId: o.orgId }, select: { id: true, parentId: true } });
        if (!teams.some((t) => t.id === parentId)) {
          throw new AppError('VALIDATION_FAILED', 'The parent team does not exist.', {
            details: { fields: { parentId: ['Choose a team of this organisation.'] } },
          });
        }
        const verdict = checkNewTeamDepth(teams, parentId);
        if (!verdict.ok) throw new AppError('VALIDATION_FAILED', verdict.message, { details: { fields: { parentId: [verdict.message] } } });
      }
      const team = await tx.team.create({ data: { orgId: o.orgId, name: o.name, slug: o.slug, parentId } });
      // Its cost node (no cap): a new team runs nothing yet, so no ancestor moves.
      await tx.budget.create({ data: { orgId: o.orgId, scope: 'team', teamId: team.id, capMicros: null } });
      await recordAuditEvent(tx, {
        orgId: o.orgId,
        actor: o.actor,
        action: 'team.create',
        targetType: 'team',
        targetId: team.id,
        after: { name: team.name, slug: team.slug, parentId },
      });
      return team;
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new AppError('CONFLICT', `A team with the slug "${o.slug}" already exists.`, {
        details: { fields: { slug: ['This slug is taken in this organisation.'] } },
      });
    }
    throw e;
  }
}
