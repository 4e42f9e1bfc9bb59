import { generateApiToken } from '@atrium/core';
import type { ApiToken } from '../../generated/prisma/client.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, Db } from '../shared.js';

/** A personal token for one org; the secret is returned once and never stored. */
export async function createApiToken(
  db: Db,
  o: { orgId: string; actor: Actor; name: string; expiresInDays?: number | null | undefined; now?: Date },
): Promise<{ apiToken: ApiToken; token: string }> {
  const now = o.now ?? new Date();
  const { token, prefix, tokenHash } = generateApiToken();
  return db.$transaction(async (tx) => {
    const apiToken = await tx.apiToken.create({
      data: {
        orgId: o.orgId,
        userId: o.actor.userId,
        name: o.name,
        prefix,
        tokenHash,
        createdAt: now,
        expiresAt: o.expiresInDays ? new Date(now.getTime() + o.expiresInDays * 86_400_000) : null,
      },
    });
    await recordAuditEvent(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'token.create',
      targetType: 'token',
      targetId: apiToken.id,
      after: { name: apiToken.name, prefix, expiresAt: apiToken.expiresAt?.toISOString() ?? null },
    });
    return { apiToken, token };
  });
}
