import { formatMonthlyMicros, ROLES } from '@atrium/core';
import type { ApiToken, AuditEventRow, ClusterRow, InvitationRow, MemberRow, TeamRow, TemplateRow, UserOrganization } from '@atrium/db';
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
  memberCount: z.number().int().meta({ description: 'direct members; list them with GET /orgs/{org}/members?teamId=' }),
});
export function toTeamDto(t: TeamRow): z.input<typeof ZTeam> {
  return {
    id: t.id,
    parentId: t.parentId,
    slug: t.slug,
    name: t.name,
    createdAt: t.createdAt.toISOString(),
    memberCount: t.memberCount,
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

/** Money on the wire: integer micro-dollars as a decimal string (JSON numbers lose precision above 2^53). */
export const ZMicros = z.string().regex(/^\d+$/).meta({ description: 'integer micro-dollars (1000000 = $1.00)', example: '20000000' });
/** Money in a request: micro-dollars as a digit string or a safe integer. */
export const ZMicrosInput = z
  .union([
    z.string().regex(/^\d{1,18}$/, 'Use whole micro-dollars (1000000 = $1.00).'),
    z.number().int('Use whole micro-dollars (1000000 = $1.00).').min(0).max(Number.MAX_SAFE_INTEGER),
  ])
  .transform((v) => BigInt(v))
  .meta({ description: 'integer micro-dollars (1000000 = $1.00)' });

export const ZPodSecurity = z.enum(['privileged', 'baseline', 'restricted']);

export const ZTemplate = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  scope: z.enum(['platform', 'org']).meta({ description: 'platform templates are read-only to orgs' }),
  apiSets: z.array(z.string()),
  allowedRegions: z.array(z.string()).meta({ description: 'empty = every region' }),
  defaultBudgetMicros: ZMicros.nullable(),
  defaultBudget: z.string().nullable().meta({ description: 'display form, e.g. "$20.00/mo"' }),
  maxBudgetMicros: ZMicros.nullable(),
  maxBudget: z.string().nullable(),
  podSecurity: ZPodSecurity,
  maxClustersPerTeam: z.number().int().nullable(),
  teams: z
    .array(z.object({ id: z.string(), slug: z.string(), name: z.string() }))
    .nullable()
    .meta({ description: 'teams that may use it; null = every team' }),
  createdAt: iso,
  updatedAt: iso,
});
export function toTemplateDto(t: TemplateRow): z.input<typeof ZTemplate> {
  return {
    id: t.id,
    slug: t.slug,
    name: t.name,
    description: t.description,
    scope: t.orgId === null ? 'platform' : 'org',
    apiSets: t.apiSets,
    allowedRegions: t.allowedRegions,
    defaultBudgetMicros: t.defaultBudgetMicros?.toString() ?? null,
    defaultBudget: t.defaultBudgetMicros === null ? null : formatMonthlyMicros(t.defaultBudgetMicros),
    maxBudgetMicros: t.maxBudgetMicros?.toString() ?? null,
    maxBudget: t.maxBudgetMicros === null ? null : formatMonthlyMicros(t.maxBudgetMicros),
    podSecurity: t.podSecurity,
    maxClustersPerTeam: t.maxClustersPerTeam,
    teams: t.teams,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

export const ZClusterPhase = z.enum(['Requested', 'Provisioning', 'Ready', 'Deleting', 'Deleted', 'Failed']);
export const ZCluster = z.object({
  id: z.string(),
  name: z.string(),
  kcpPath: z.string(),
  phase: ZClusterPhase,
  message: z.string().nullable(),
  url: z.string().nullable(),
  regions: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
  team: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  template: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  requestedBy: z.string().nullable().meta({ description: 'email of the member who asked for it' }),
  budgetMicros: ZMicros.nullable(),
  budget: z.string().nullable(),
  createdAt: iso,
  readyAt: iso.nullable(),
  deletedAt: iso.nullable(),
});
export function toClusterDto(c: ClusterRow): z.input<typeof ZCluster> {
  return {
    id: c.id,
    name: c.name,
    kcpPath: c.kcpPath,
    phase: c.phase,
    message: c.message,
    url: c.url,
    regions: c.regions,
    labels: c.labels,
    team: c.team,
    template: c.template,
    requestedBy: c.requestedByEmail,
    budgetMicros: c.budgetMicros?.toString() ?? null,
    budget: c.budgetMicros === null ? null : formatMonthlyMicros(c.budgetMicros),
    createdAt: c.createdAt.toISOString(),
    readyAt: c.readyAt?.toISOString() ?? null,
    deletedAt: c.deletedAt?.toISOString() ?? null,
  };
}
