export { buildKubeconfig, type KubeconfigInput } from './kubeconfig.js';
export { clusterUrl, InvalidPathError, isDns1123Label, kcpPath, parentPath, parseKcpPath } from './naming.js';
