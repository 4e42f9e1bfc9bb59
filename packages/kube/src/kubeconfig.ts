import { KubeConfig } from '@kubernetes/client-node';

export interface KubeconfigInput {
  /** Full URL of the logical cluster, e.g. http://127.0.0.1:6443/clusters/root:acme:dev */
  server: string;
  token: string;
  contextName: string;
  userName?: string;
  certificateAuthorityData?: string;
}

/** A kubeconfig YAML document with one cluster, user and (current) context. */
export function buildKubeconfig(input: KubeconfigInput): string {
  const kc = new KubeConfig();
  const user = input.userName ?? `${input.contextName}-user`;
  kc.loadFromOptions({
    clusters: [
      {
        name: input.contextName,
        server: input.server,
        skipTLSVerify: false,
        ...(input.certificateAuthorityData ? { caData: input.certificateAuthorityData } : {}),
      },
    ],
    users: [{ name: user, token: input.token }],
    contexts: [{ name: input.contextName, cluster: input.contextName, user }],
    currentContext: input.contextName,
  });
  return kc.exportConfig();
}
