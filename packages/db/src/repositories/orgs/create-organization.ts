import { AppError } from '@atrium/core';
import type { Organization } from '../../generated/prisma/client.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { type Actor, type Db, isUniqueViolation } from '../shared.js';

/** A verified user creates an org and becomes its first owner; the org's cost node (no cap) comes with it. */
export async function createOrganization(db: Db, o: { actor: Actor; name: string; slug: string }): Promise<Organization> {
  const user = await db.user.findUnique({ where: { id: o.actor.userId } });
  if (!user) throw new AppError('UNAUTHENTICATED', 'Sign in first.');
  if (!user.emailVerified) throw new AppError('FORBIDDEN', 'Verify your email address before creating an organisation.');
  try {
    return await db.$transaction(async (tx) => {
      const org = await tx.organization.create({
        data: {
          name: o.name,
          slug: o.slug,
          memberships: { create: { userId: user.id, role: 'owner' } },
          budgets: { create: { scope: 'org', capMicros: null } },
        },
      });
      await recordAuditEvent(tx, {
        orgId: org.id,
        actor: o.actor,
        action: 'org.create',
        targetType: 'org',
        targetId: org.id,
        after: { name: org.name, slug: org.slug },
      });
      return org;
    });
  } catch (e) {
    if (isUniqueViolation(e, 'slug')) {
      throw new AppError('CONFLICT', `The slug "${o.slug}" is taken. Choose another.`, { details: { fields: { slug: ['This slug is taken.'] } } });
    }
    throw e;
  }
}
