export {
  describeApiError,
  type EventInput,
  isConflict,
  isNotFound,
  KcpClient,
  type KcpConnection,
  type KubeEvent,
  kubeEventSchema,
  TENANCY_API_VERSION,
  type Workspace,
  type WorkspaceSpecInput,
  workspaceSchema,
} from './kcp-client.js';
export { buildKubeconfig, type KubeconfigInput } from './kubeconfig.js';
export {
  clusterUrl,
  GUARDRAIL_LABEL,
  InvalidPathError,
  isDns1123Label,
  kcpPath,
  parentPath,
  parseKcpPath,
  platformWorkspaceTypeName,
  templateWorkspaceType,
  workspaceTypeName,
} from './naming.js';
