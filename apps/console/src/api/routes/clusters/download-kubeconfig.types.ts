import { z } from 'zod';

export { ZClusterParams as ZKubeconfigParams } from './get-cluster.types.js';
export const ZKubeconfigResponse = z.object({
  kubeconfig: z.string().meta({ description: 'kubeconfig YAML with one cluster, user and current context' }),
  contextName: z.string().meta({ description: '<org>/<team>/<cluster>' }),
  server: z.string(),
  username: z.string(),
  groups: z.array(z.string()),
});
