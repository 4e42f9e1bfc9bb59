import { updateTeam } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZUpdateTeamBody, ZUpdateTeamParams, ZUpdateTeamResponse } from './update-team.types.js';

export const updateTeamRoute = defineRoute({
  method: 'PATCH',
  path: '/orgs/{org}/teams/{teamId}',
  summary: 'Rename a team or move it under another parent (never under itself)',
  tag: 'teams',
  auth: 'org',
  permission: 'team:write',
  params: ZUpdateTeamParams,
  body: ZUpdateTeamBody,
  response: ZUpdateTeamResponse,
  async handler({ db, org, user, principal, ip, params, body }) {
    const t = await updateTeam(db, {
      orgId: org.id,
      actor: { userId: user.id, tokenId: principal.tokenId, ip },
      teamId: params.teamId,
      name: body.name,
      parentId: body.parentId,
    });
    return { id: t.id, parentId: t.parentId, slug: t.slug, name: t.name, createdAt: t.createdAt.toISOString() };
  },
});
