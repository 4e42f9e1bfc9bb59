export { hashPassword, verifyPassword } from './auth/password.js';
export { APP_ERROR_STATUS, AppError, type AppErrorCode, isAppError } from './access/app-error.js';
export {
  assignableRoles,
  can,
  decideMemberChange,
  isRole,
  PERMISSION_MATRIX,
  PERMISSIONS,
  type Permission,
  permissionsOf,
  ROLES,
  type Role,
  type RoleChangeVerdict,
} from './access/permissions.js';
export { type InvitationClaims, type InvitationTokenCheck, signInvitationToken, verifyInvitationToken } from './auth/invitation-token.js';
export { emailSchema, newPasswordSchema, personNameSchema } from './auth/schemas.js';
export { decideSignInThrottle, type FailureWindow, SIGN_IN_THROTTLE, type ThrottleDecision } from './auth/throttle.js';
export { API_TOKEN_PREFIX, constantTimeEqual, type GeneratedApiToken, generateApiToken, looksLikeApiToken, randomSecret, sha256Hex } from './auth/tokens.js';
export { displayNameSchema, orgSlugSchema, RESERVED_SLUGS, slugSchema, slugify } from './org/slug.js';
export { buildTeamTree, checkNewTeamDepth, checkTeamMove, MAX_TEAM_DEPTH, type MoveVerdict, subtreeIds, type TeamLike, type TeamNode } from './org/team-tree.js';
