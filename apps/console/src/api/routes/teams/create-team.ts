import { createTeam } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZCreateTeamBody, ZCreateTeamParams, ZCreateTeamResponse } from './create-team.types.js';

export const createTeamRoute = defineRoute({
  method: 'POST',
  path: '/orgs/{org}/teams',
  summary: 'Create a team, at the top level or under a parent team',
  tag: 'teams',
  auth: 'org',
  permission: 'team:write',
  params: ZCreateTeamParams,
  body: ZCreateTeamBody,
  response: ZCreateTeamResponse,
  status: 201,
  async handler({ db, org, user, principal, ip, body }) {
    const t = await createTeam(db, {
      orgId: org.id,
      actor: { userId: user.id, tokenId: principal.tokenId, ip },
      name: body.name,
      slug: body.slug,
      parentId: body.parentId,
    });
    return { id: t.id, parentId: t.parentId, slug: t.slug, name: t.name, createdAt: t.createdAt.toISOString() };
  },
});
