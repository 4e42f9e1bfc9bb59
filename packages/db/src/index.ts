export { createPrismaClient, type PrismaClient, prisma } from './client.js';
export {
  applyCostDelta,
  BASE_FEE_KEY,
  BUDGET_ALERT_NOTIFY_TASK,
  budgetsOf,
  type CostNode,
  type CostNodeScope,
  type CostPath,
  chargeObject,
  loadPriceBookSql,
  lockCostPath,
  lockCostPathAndPrice,
  type ObjectPriceKey,
  prismaSqlClient,
  readCostPath,
  recordBudgetDenial,
  recordedPrice,
  recordPrice,
  releaseClusterCost,
  type SimpleQueryClient,
  type SqlClient,
} from './cost-ledger.js';
export { assertReachable, attachDatabase, type ResolvedDatabase, resolveDatabase } from './database.js';
export type { ApiToken, Invitation, Membership, Organization, Team, User } from './generated/prisma/client.js';
export * from './generated/prisma/enums.js';
export { migrateDeploy } from './migrate.js';
export {
  BACKEND_TOKEN_ID_LENGTH,
  backendTokenId,
  type ClusterTokenRow,
} from './repositories/backend-tokens/backend-token-row.js';
export { type BackendTokenRow, insertBackendToken } from './repositories/backend-tokens/insert-backend-token.js';
export { listClusterTokens } from './repositories/backend-tokens/list-cluster-tokens.js';
export { BACKEND_TOKEN_PREFIX, type BackendTokenGrant, mintBackendToken } from './repositories/backend-tokens/mint-backend-token.js';
export { revokeClusterBackendTokens } from './repositories/backend-tokens/revoke-cluster-backend-tokens.js';
export { revokeClusterToken } from './repositories/backend-tokens/revoke-cluster-token.js';
export { revokeStaleBackendTokens } from './repositories/backend-tokens/revoke-stale-backend-tokens.js';
export type { ClusterRow } from './repositories/clusters/cluster-row.js';
export { deleteCluster } from './repositories/clusters/delete-cluster.js';
export { getCluster } from './repositories/clusters/get-cluster.js';
export { type ClusterCredentials, issueClusterCredentials } from './repositories/clusters/issue-cluster-credentials.js';
export { listClusters } from './repositories/clusters/list-clusters.js';
export { type ClusterRequestInput, type ClusterRequestResult, requestCluster } from './repositories/clusters/request-cluster.js';
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
export { listRegions, type RegionRow } from './repositories/regions/list-regions.js';
export { createTemplate } from './repositories/templates/create-template.js';
export { deleteTemplate } from './repositories/templates/delete-template.js';
export { getTemplate } from './repositories/templates/get-template.js';
export { listTemplates } from './repositories/templates/list-templates.js';
export type { TemplateInput, TemplateRow } from './repositories/templates/template-row.js';
export {
  enqueueTemplateWorkspaceTypeSync,
  loadTemplateForWorkspaceType,
  SYNC_TEMPLATE_WORKSPACE_TYPE_TASK,
  type TemplateForWorkspaceType,
  type WorkspaceTypeTemplate,
} from './repositories/templates/template-workspace-type.js';
export { type TemplatePatch, updateTemplate } from './repositories/templates/update-template.js';
export { DEMO, DEMO_REGIONS, seedDemo, seedPlatformCatalog } from './seed/demo.js';
export { makeOrg, makeUser } from './seed/factories.js';
