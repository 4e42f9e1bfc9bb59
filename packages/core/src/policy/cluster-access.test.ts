import { describe, expect, it } from 'vitest';
import {
  clusterAccessGroups,
  clusterContextName,
  effectiveTeamIds,
  mayAccessClusterIn,
  mayManageClustersIn,
  mayManageOthersClusterTokens,
  retainedClusterAccessGroups,
  teamAncestry,
} from './cluster-access.js';

// platform ─┬─ payments ── checkout
//           └─ web
// data (separate root)
const teams = [
  { id: 'checkout', parentId: 'payments', slug: 'checkout' },
  { id: 'platform', parentId: null, slug: 'platform' },
  { id: 'payments', parentId: 'platform', slug: 'payments' },
  { id: 'web', parentId: 'platform', slug: 'web' },
  { id: 'data', parentId: null, slug: 'data' },
];

describe('teamAncestry', () => {
  it('lists the path from the top of the tree down to the team', () => {
    expect(teamAncestry(teams, 'checkout')?.map((t) => t.slug)).toEqual(['platform', 'payments', 'checkout']);
    expect(teamAncestry(teams, 'data')?.map((t) => t.slug)).toEqual(['data']);
  });
  it('is undefined for a team that is not in the list (another org’s id)', () => {
    expect(teamAncestry(teams, 'elsewhere')).toBeUndefined();
  });
  it('refuses a cycle instead of looping', () => {
    expect(
      teamAncestry(
        [
          { id: 'a', parentId: 'b' },
          { id: 'b', parentId: 'a' },
        ],
        'a',
      ),
    ).toBeUndefined();
  });
});

describe('effective teams and rights', () => {
  const payments = effectiveTeamIds(teams, ['payments']);
  it('inherits membership down the tree, never up or sideways', () => {
    expect([...payments].sort()).toEqual(['checkout', 'payments']);
    expect([...effectiveTeamIds(teams, [])]).toEqual([]);
  });

  it.each([
    // role, team, may manage, may access
    ['developer', 'checkout', true, true],
    ['developer', 'payments', true, true],
    ['developer', 'platform', false, false],
    ['developer', 'web', false, false],
    ['billing', 'payments', false, false],
    ['admin', 'data', true, true],
    ['owner', 'web', true, true],
  ] as const)('%s in %s: manage %s, access %s', (role, team, manage, access) => {
    expect(mayManageClustersIn(role, team, payments)).toBe(manage);
    expect(mayAccessClusterIn(role, team, payments)).toBe(access);
  });
});

describe('clusterAccessGroups', () => {
  it('gives one group per effective team, and the org-admins group to owners and admins only', () => {
    const eff = new Set(['payments', 'checkout']);
    expect(clusterAccessGroups({ orgId: 'o1', role: 'developer', effectiveTeams: eff })).toEqual(['atrium:team:checkout', 'atrium:team:payments']);
    expect(clusterAccessGroups({ orgId: 'o1', role: 'admin', effectiveTeams: new Set() })).toEqual(['atrium:org-admins:o1']);
    expect(clusterAccessGroups({ orgId: 'o1', role: 'owner', effectiveTeams: new Set(['web']) })).toEqual(['atrium:team:web', 'atrium:org-admins:o1']);
  });
  it('names contexts <org>/<team>/<cluster>', () => {
    expect(clusterContextName('acme', 'payments', 'dev')).toBe('acme/payments/dev');
  });
});

describe('retainedClusterAccessGroups (which issued tokens survive a membership change)', () => {
  const subset = (token: string[], kept: string[] | null) => kept !== null && token.every((g) => kept.includes(g));
  const adminToken = ['atrium:team:payments', 'atrium:org-admins:o1'];
  const devToken = ['atrium:team:checkout', 'atrium:team:payments'];
  it.each([
    // after the change: role, effective teams → does each token survive?
    ['removed from the org', null, ['payments', 'checkout'], false, false],
    ['demoted to billing', 'billing', ['payments', 'checkout'], false, false],
    ['admin demoted to developer', 'developer', ['payments', 'checkout'], false, true],
    ['developer who left payments', 'developer', ['web'], false, false],
    ['developer still in payments, added to web', 'developer', ['payments', 'checkout', 'web'], false, true],
    ['admin unchanged', 'admin', ['payments', 'checkout'], true, true],
  ] as const)('%s', (_label, role, teamsNow, adminSurvives, devSurvives) => {
    const kept = retainedClusterAccessGroups({ orgId: 'o1', role, effectiveTeams: new Set(teamsNow) });
    expect(subset(adminToken, kept)).toBe(adminSurvives);
    expect(subset(devToken, kept)).toBe(devSurvives);
  });
  it('lets only owners and admins manage other people’s tokens', () => {
    expect((['owner', 'admin', 'developer', 'billing'] as const).map(mayManageOthersClusterTokens)).toEqual([true, true, false, false]);
  });
});
