export { applyBudgetDelta, lockBudgetPath, type SqlClient } from './budget-reservation.js';
export { createPrismaClient, type PrismaClient, prisma } from './client.js';
export { assertReachable, type ResolvedDatabase, resolveDatabase } from './database.js';
export type { ApiToken, Invitation, Membership, Organization, Team, User } from './generated/prisma/client.js';
export * from './generated/prisma/enums.js';
export { migrateDeploy } from './migrate.js';
export * from './repositories/index.js';
export {
  commitLogicalClusterStatus,
  createLogicalClusterRequest,
  enqueueReconcile,
  type LogicalClusterForReconcile,
  type LogicalClusterStatusPatch,
  listUnsettledLogicalClusterIds,
  loadLogicalClusterForReconcile,
  type NewLogicalClusterRequest,
  RECONCILE_LOGICAL_CLUSTER_TASK,
  requestLogicalClusterDeletion,
} from './repositories/logical-clusters.js';
export { DEMO, seedDemo } from './seed/demo.js';
export { makeOrg, makeUser } from './seed/factories.js';
