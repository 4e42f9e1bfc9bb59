import { ROLES } from '@atrium/core';
import type { ApiToken, AuditEventRow, InvitationRow, MemberRow, TeamRow, UserOrganization } from '@atrium/db';
import { z } from 'zod';

/** Shapes shared by several routes. Dates travel as ISO-8601 strings. */
export const ZRole = z.enum(ROLES).meta({ description: 'owner > admin > developer / billing' });
export const ZId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'Not a valid id.');
export const ZOrgSlugParam = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9-]+$/);
export const ZOrgParams = z.object({ org: ZOrgSlugParam });
const iso = z.string().meta({ format: 'date-time' });

export const ZUser = z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), emailVerified: z.boolean() });

export const ZOrg = z.object({ id: z.string(), slug: z.string(), name: z.string(), role: ZRole, createdAt: iso });
export function toOrgDto(o: UserOrganization): z.input<typeof ZOrg> {
  return { id: o.id, slug: o.slug, name: o.name, role: o.role, createdAt: o.createdAt.toISOString() };
}

export const ZMember = z.object({
  id: z.string(),
  userId: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: ZRole,
  createdAt: iso,
  teams: z.array(z.object({ id: z.string(), slug: z.string(), name: z.string() })),
});
export function toMemberDto(m: MemberRow): z.input<typeof ZMember> {
  return { ...m, createdAt: m.createdAt.toISOString() };
}

export const ZTeam = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  slug: z.string(),
  name: z.string(),
  createdAt: iso,
  members: z.array(z.object({ memberId: z.string(), email: z.string(), name: z.string().nullable() })),
});
export function toTeamDto(t: TeamRow): z.input<typeof ZTeam> {
  return {
    id: t.id,
    parentId: t.parentId,
    slug: t.slug,
    name: t.name,
    createdAt: t.createdAt.toISOString(),
    members: t.members.map((m) => ({ memberId: m.membershipId, email: m.email, name: m.name })),
  };
}

export const ZInvitation = z.object({
  id: z.string(),
  email: z.string(),
  role: ZRole,
  team: z.object({ id: z.string(), name: z.string() }).nullable(),
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  invitedByEmail: z.string().nullable(),
  expiresAt: iso,
  createdAt: iso,
});
export function toInvitationDto(i: InvitationRow): z.input<typeof ZInvitation> {
  return { ...i, expiresAt: i.expiresAt.toISOString(), createdAt: i.createdAt.toISOString() };
}

export const ZApiToken = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  lastUsedAt: iso.nullable(),
  expiresAt: iso.nullable(),
  revokedAt: iso.nullable(),
  createdAt: iso,
});
export function toApiTokenDto(t: ApiToken): z.input<typeof ZApiToken> {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
  };
}

export const ZAuditEvent = z.object({
  id: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  actorUserId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  actorTokenId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  ip: z.string().nullable(),
  createdAt: iso,
});
export function toAuditEventDto(e: AuditEventRow): z.input<typeof ZAuditEvent> {
  return { ...e, id: e.id.toString(), createdAt: e.createdAt.toISOString() };
}

export const ZOk = z.object({ ok: z.literal(true) });
