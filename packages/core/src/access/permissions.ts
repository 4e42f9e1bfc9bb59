/**
 * Who may do what in an organisation. Every server-side check and every
 * piece of UI that hides an action asks `can()`; the table below is the
 * single source of truth and is unit-tested row by row.
 */
export const ROLES = ['owner', 'admin', 'developer', 'billing'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'org:read',
  'org:update',
  'org:delete',
  'member:read',
  'member:update-role',
  'member:remove',
  'invitation:read',
  'invitation:create',
  'invitation:revoke',
  'team:read',
  'team:write',
  'audit:read',
  'token:manage-own',
  'cluster:read',
  'cluster:create',
  'cluster:delete',
  'cluster:kubeconfig',
  'cluster:manage-any-team',
  'template:read',
  'template:write',
  'policy:read',
  'policy:write',
  'cost:read',
  'budget:write',
  'billing:read',
  'billing:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const O = 'owner';
const A = 'admin';
const D = 'developer';
const B = 'billing';

/** permission → roles that hold it. */
export const PERMISSION_MATRIX: Readonly<Record<Permission, readonly Role[]>> = {
  'org:read': [O, A, D, B],
  'org:update': [O, A],
  'org:delete': [O],
  'member:read': [O, A],
  'member:update-role': [O, A],
  'member:remove': [O, A],
  'invitation:read': [O, A],
  'invitation:create': [O, A],
  'invitation:revoke': [O, A],
  'team:read': [O, A, D, B],
  'team:write': [O, A],
  'audit:read': [O, A],
  'token:manage-own': [O, A, D, B],
  // Billing sees clusters (to read what they cost) but never gets into one.
  'cluster:read': [O, A, D, B],
  // Developers create, delete and enter clusters only in teams they belong to (checked per team
  // in the domain verbs); `cluster:manage-any-team` lifts that restriction.
  'cluster:create': [O, A, D],
  'cluster:delete': [O, A, D],
  'cluster:kubeconfig': [O, A, D],
  'cluster:manage-any-team': [O, A],
  'template:read': [O, A, D, B],
  'template:write': [O, A],
  'policy:read': [O, A, D],
  'policy:write': [O, A],
  // Run-rates, budgets and the cost preview: developers need them to deploy within budget,
  // billing to follow spend.
  'cost:read': [O, A, D, B],
  // Caps are a control on what engineering may run, so only owners and admins set them;
  // billing reads them (cost:read) but does not decide them.
  'budget:write': [O, A],
  'billing:read': [O, B],
  'billing:manage': [O, B],
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function can(role: Role | null | undefined, permission: Permission): boolean {
  if (!role) return false;
  return PERMISSION_MATRIX[permission].includes(role);
}

export function permissionsOf(role: Role): Permission[] {
  return PERMISSIONS.filter((p) => can(role, p));
}

/**
 * Roles an actor may hand out (invite with, or change someone to). Admins
 * manage everyone except owners; only an owner can create or touch owners.
 */
export function assignableRoles(actor: Role): Role[] {
  if (actor === 'owner') return [...ROLES];
  if (actor === 'admin') return ['admin', 'developer', 'billing'];
  return [];
}

export type RoleChangeVerdict = { ok: true } | { ok: false; reason: 'forbidden' | 'last-owner'; message: string };

/**
 * May `actor` change a member whose role is `from` to `to` (or remove them,
 * `to` = null)? `ownerCount` is the org's current number of owners, so the
 * last owner can never be removed or demoted.
 */
export function decideMemberChange(input: { actor: Role; from: Role; to: Role | null; ownerCount: number }): RoleChangeVerdict {
  const { actor, from, to, ownerCount } = input;
  const permission = to === null ? 'member:remove' : 'member:update-role';
  if (!can(actor, permission)) return { ok: false, reason: 'forbidden', message: 'Your role cannot manage members.' };
  const allowed = assignableRoles(actor);
  if (!allowed.includes(from)) return { ok: false, reason: 'forbidden', message: `Only an owner can change or remove an ${from}.` };
  if (to !== null && !allowed.includes(to)) return { ok: false, reason: 'forbidden', message: `Only an owner can grant the ${to} role.` };
  if (from === 'owner' && to !== 'owner' && ownerCount <= 1) {
    return {
      ok: false,
      reason: 'last-owner',
      message:
        to === null
          ? 'The last owner cannot be removed: make someone else an owner first.'
          : 'The last owner cannot be demoted: make someone else an owner first.',
    };
  }
  return { ok: true };
}
