import { describe, expect, it } from 'vitest';
import { buildTeamTree, checkNewTeamDepth, checkTeamMove, MAX_TEAM_DEPTH, subtreeIds } from './team-tree.js';

//   platform ─┬─ payments ── ledger
//             └─ search
//   data
const teams = [
  { id: 'platform', parentId: null },
  { id: 'payments', parentId: 'platform' },
  { id: 'ledger', parentId: 'payments' },
  { id: 'search', parentId: 'platform' },
  { id: 'data', parentId: null },
];

describe('team tree', () => {
  it('nests children under parents with depths', () => {
    const tree = buildTeamTree(teams, (a, b) => a.id.localeCompare(b.id));
    expect(tree.map((t) => t.id)).toEqual(['data', 'platform']);
    const platform = tree[1]!;
    expect(platform.children.map((c) => c.id)).toEqual(['payments', 'search']);
    expect(platform.children[0]!.children[0]).toMatchObject({ id: 'ledger', depth: 2 });
  });

  it('finds a subtree', () => {
    expect([...subtreeIds(teams, 'platform')].sort()).toEqual(['ledger', 'payments', 'platform', 'search']);
    expect([...subtreeIds(teams, 'data')]).toEqual(['data']);
  });

  it('refuses moves that would make a cycle', () => {
    expect(checkTeamMove(teams, 'platform', 'platform').ok).toBe(false);
    expect(checkTeamMove(teams, 'platform', 'ledger')).toMatchObject({ ok: false, message: expect.stringContaining('its own sub-teams') });
    expect(checkTeamMove(teams, 'payments', 'ledger').ok).toBe(false);
  });

  it('allows moves elsewhere, including to the top level', () => {
    expect(checkTeamMove(teams, 'payments', 'data')).toEqual({ ok: true });
    expect(checkTeamMove(teams, 'ledger', null)).toEqual({ ok: true });
    expect(checkTeamMove(teams, 'data', 'ledger')).toEqual({ ok: true });
  });

  it('caps the depth', () => {
    const chain = Array.from({ length: MAX_TEAM_DEPTH }, (_, i) => ({ id: `t${i}`, parentId: i ? `t${i - 1}` : null }));
    expect(checkNewTeamDepth(chain, `t${MAX_TEAM_DEPTH - 2}`)).toEqual({ ok: true });
    expect(checkNewTeamDepth(chain, `t${MAX_TEAM_DEPTH - 1}`).ok).toBe(false);
    expect(checkTeamMove([...chain, { id: 'x', parentId: null }, { id: 'y', parentId: 'x' }], 'x', `t${MAX_TEAM_DEPTH - 2}`).ok).toBe(false);
  });
});
