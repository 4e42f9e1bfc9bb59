export { createPrismaClient, type PrismaClient, prisma } from './client.js';
export { assertReachable, type ResolvedDatabase, resolveDatabase } from './database.js';
export * from './generated/prisma/enums.js';
export { migrateDeploy } from './migrate.js';
export {
  commitLogicalClusterStatus,
  enqueueReconcile,
  type LogicalClusterForReconcile,
  type LogicalClusterStatusPatch,
  listUnsettledLogicalClusterIds,
  loadLogicalClusterForReconcile,
  RECONCILE_LOGICAL_CLUSTER_TASK,
} from './repositories/logical-clusters.js';
export { DEMO, seedDemo } from './seed/demo.js';
