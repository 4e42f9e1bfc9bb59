import { z } from 'zod';
import { type AnyRoute, defineRoute } from './define-route.js';
import { buildOpenApiDocument } from './openapi.js';
import { changePasswordRoute } from './routes/account/change-password.js';
import { requestPasswordResetRoute } from './routes/account/request-password-reset.js';
import { resendVerificationRoute } from './routes/account/resend-verification.js';
import { resetPasswordRoute } from './routes/account/reset-password.js';
import { signUp } from './routes/account/sign-up.js';
import { verifyEmailRoute } from './routes/account/verify-email.js';
import { listAudit } from './routes/audit/list-audit.js';
import { listBudgetsRoute } from './routes/budgets/list-budgets.js';
import { setBudgetRoute } from './routes/budgets/set-budget.js';
import { deleteClusterRoute } from './routes/clusters/delete-cluster.js';
import { downloadKubeconfigRoute } from './routes/clusters/download-kubeconfig.js';
import { getClusterRoute } from './routes/clusters/get-cluster.js';
import { getClusterEventsRoute } from './routes/clusters/get-cluster-events.js';
import { listClusterTokensRoute } from './routes/clusters/list-cluster-tokens.js';
import { listClustersRoute } from './routes/clusters/list-clusters.js';
import { requestClusterRoute } from './routes/clusters/request-cluster.js';
import { revokeClusterTokenRoute } from './routes/clusters/revoke-cluster-token.js';
import { getCostBreakdownRoutes } from './routes/cost/get-cost-breakdown.js';
import { getRunRateHistoryRoutes } from './routes/cost/get-run-rate-history.js';
import { listBudgetAlertsRoutes } from './routes/cost/list-budget-alerts.js';
import { listBudgetDenialsRoutes } from './routes/cost/list-budget-denials.js';
import { previewCostRoute } from './routes/cost/preview-cost.js';
import { acceptInvitationRoute } from './routes/invitations/accept-invitation.js';
import { createInvitationRoute } from './routes/invitations/create-invitation.js';
import { listInvitationsRoute } from './routes/invitations/list-invitations.js';
import { lookupInvitation } from './routes/invitations/lookup-invitation.js';
import { revokeInvitationRoute } from './routes/invitations/revoke-invitation.js';
import { getMe } from './routes/me/get-me.js';
import { listMembersRoute } from './routes/members/list-members.js';
import { removeMemberRoute } from './routes/members/remove-member.js';
import { updateMember } from './routes/members/update-member.js';
import { createOrg } from './routes/orgs/create-org.js';
import { getOrg } from './routes/orgs/get-org.js';
import { listOrgs } from './routes/orgs/list-orgs.js';
import { listRegionsRoute } from './routes/regions/list-regions.js';
import { addTeamMember } from './routes/teams/add-team-member.js';
import { createTeamRoute } from './routes/teams/create-team.js';
import { deleteTeamRoute } from './routes/teams/delete-team.js';
import { listTeamsRoute } from './routes/teams/list-teams.js';
import { removeTeamMember } from './routes/teams/remove-team-member.js';
import { updateTeamRoute } from './routes/teams/update-team.js';
import { createTemplateRoute } from './routes/templates/create-template.js';
import { deleteTemplateRoute } from './routes/templates/delete-template.js';
import { getTemplateRoute } from './routes/templates/get-template.js';
import { listTemplatesRoute } from './routes/templates/list-templates.js';
import { updateTemplateRoute } from './routes/templates/update-template.js';
import { createToken } from './routes/tokens/create-token.js';
import { listTokens } from './routes/tokens/list-tokens.js';
import { revokeToken } from './routes/tokens/revoke-token.js';

/**
 * Every `/api/v1` route. The dispatcher, the OpenAPI document and the
 * generated cross-tenant test all read this list: a route added here is
 * served, documented and attacked without further edits.
 */
export const apiRoutes: AnyRoute[] = [
  getMe,
  signUp,
  verifyEmailRoute,
  resendVerificationRoute,
  requestPasswordResetRoute,
  resetPasswordRoute,
  changePasswordRoute,
  listOrgs,
  createOrg,
  getOrg,
  listMembersRoute,
  updateMember,
  removeMemberRoute,
  listInvitationsRoute,
  createInvitationRoute,
  revokeInvitationRoute,
  lookupInvitation,
  acceptInvitationRoute,
  listTeamsRoute,
  createTeamRoute,
  updateTeamRoute,
  deleteTeamRoute,
  addTeamMember,
  removeTeamMember,
  listTokens,
  createToken,
  revokeToken,
  listAudit,
  listRegionsRoute,
  listTemplatesRoute,
  getTemplateRoute,
  createTemplateRoute,
  updateTemplateRoute,
  deleteTemplateRoute,
  listClustersRoute,
  requestClusterRoute,
  getClusterRoute,
  getClusterEventsRoute,
  deleteClusterRoute,
  downloadKubeconfigRoute,
  listClusterTokensRoute,
  revokeClusterTokenRoute,
  listBudgetsRoute,
  setBudgetRoute,
  previewCostRoute,
  ...getCostBreakdownRoutes,
  ...getRunRateHistoryRoutes,
  ...listBudgetAlertsRoutes,
  ...listBudgetDenialsRoutes,
];

export const openApiRoute: AnyRoute = defineRoute({
  method: 'GET',
  path: '/openapi.json',
  summary: 'This document',
  tag: 'meta',
  auth: 'public',
  response: z.record(z.string(), z.unknown()),
  async handler(): Promise<Record<string, unknown>> {
    return buildOpenApiDocument([...apiRoutes, openApiRoute], '/api/v1');
  },
});

export const allApiRoutes: AnyRoute[] = [...apiRoutes, openApiRoute];
