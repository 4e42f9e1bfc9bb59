export {
  describeApiError,
  isConflict,
  isNotFound,
  KcpClient,
  type KcpConnection,
  TENANCY_API_VERSION,
  type Workspace,
  type WorkspaceSpecInput,
  workspaceSchema,
} from './kcp-client.js';
export { buildKubeconfig, type KubeconfigInput } from './kubeconfig.js';
export { clusterUrl, InvalidPathError, isDns1123Label, kcpPath, parentPath, parseKcpPath, workspaceTypeName } from './naming.js';
