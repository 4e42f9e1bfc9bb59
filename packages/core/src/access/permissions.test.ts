import { describe, expect, it } from 'vitest';
import { assignableRoles, can, decideMemberChange, PERMISSION_MATRIX, PERMISSIONS, type Permission, ROLES, type Role } from './permissions.js';

// The expected matrix, written out independently of the implementation's
// table: a change to who may do what has to change this file too.
const EXPECTED: Record<Permission, string> = {
  //                    owner admin developer billing
  'org:read': 'OADB',
  'org:update': 'OA..',
  'org:delete': 'O...',
  'member:read': 'OA..',
  'member:update-role': 'OA..',
  'member:remove': 'OA..',
  'invitation:read': 'OA..',
  'invitation:create': 'OA..',
  'invitation:revoke': 'OA..',
  'team:read': 'OADB',
  'team:write': 'OA..',
  'audit:read': 'OA..',
  'token:manage-own': 'OADB',
  'cluster:read': 'OADB',
  'cluster:create': 'OAD.',
  'cluster:delete': 'OAD.',
  'cluster:kubeconfig': 'OAD.',
  'cluster:manage-any-team': 'OA..',
  'template:read': 'OADB',
  'template:write': 'OA..',
  'policy:read': 'OAD.',
  'policy:write': 'OA..',
  'cost:read': 'OADB',
  'budget:write': 'OA..',
  'billing:read': 'O..B',
  'billing:manage': 'O..B',
};

describe('permission matrix', () => {
  it('covers exactly the declared permissions', () => {
    expect(Object.keys(PERMISSION_MATRIX).sort()).toEqual([...PERMISSIONS].sort());
    expect(Object.keys(EXPECTED).sort()).toEqual([...PERMISSIONS].sort());
  });

  const cases = PERMISSIONS.flatMap((p) => ROLES.map((r, i) => [p, r, EXPECTED[p][i] !== '.'] as const));
  it.each(cases)('%s for %s is %s', (permission, role, allowed) => {
    expect(can(role, permission)).toBe(allowed);
  });

  it('denies everything without a role', () => {
    for (const p of PERMISSIONS) {
      expect(can(null, p)).toBe(false);
      expect(can(undefined, p)).toBe(false);
    }
  });
});

describe('assignable roles', () => {
  it('lets owners grant anything, admins anything but owner, others nothing', () => {
    expect(assignableRoles('owner')).toEqual(['owner', 'admin', 'developer', 'billing']);
    expect(assignableRoles('admin')).toEqual(['admin', 'developer', 'billing']);
    expect(assignableRoles('developer')).toEqual([]);
    expect(assignableRoles('billing')).toEqual([]);
  });
});

describe('member changes', () => {
  const decide = (actor: Role, from: Role, to: Role | null, ownerCount = 2) => decideMemberChange({ actor, from, to, ownerCount });

  it('never lets the last owner be demoted or removed, whoever asks', () => {
    for (const to of ['admin', 'developer', 'billing', null] as const) {
      const v = decide('owner', 'owner', to, 1);
      expect(v).toMatchObject({ ok: false, reason: 'last-owner' });
    }
    expect(decide('owner', 'owner', 'admin', 2)).toEqual({ ok: true });
    expect(decide('owner', 'owner', 'owner', 1)).toEqual({ ok: true });
  });

  it('keeps owners out of admins’ reach', () => {
    expect(decide('admin', 'owner', 'developer')).toMatchObject({ ok: false, reason: 'forbidden' });
    expect(decide('admin', 'owner', null)).toMatchObject({ ok: false, reason: 'forbidden' });
    expect(decide('admin', 'developer', 'owner')).toMatchObject({ ok: false, reason: 'forbidden' });
    expect(decide('admin', 'developer', 'admin')).toEqual({ ok: true });
    expect(decide('admin', 'billing', null)).toEqual({ ok: true });
  });

  it('refuses developers and billing any member change', () => {
    for (const actor of ['developer', 'billing'] as const) {
      for (const from of ROLES) {
        expect(decide(actor, from, 'developer').ok).toBe(false);
        expect(decide(actor, from, null).ok).toBe(false);
      }
    }
  });
});
