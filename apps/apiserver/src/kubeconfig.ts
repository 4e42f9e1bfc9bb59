import YAML from 'yaml';

/** An admin kubeconfig like kcp's `.kcp/admin.kubeconfig`: one context per logical cluster path, `root` current. */
export function adminKubeconfig(serverUrl: string, token: string, options: { caPem?: string; paths?: string[] } = {}): string {
  const paths = options.paths ?? ['root'];
  const ca = options.caPem ? { 'certificate-authority-data': Buffer.from(options.caPem).toString('base64') } : {};
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: paths.map((p) => ({ name: p, cluster: { server: `${serverUrl}/clusters/${p}`, ...ca } })),
    users: [{ name: 'admin', user: { token } }],
    contexts: paths.map((p) => ({ name: p, context: { cluster: p, user: 'admin' } })),
    'current-context': paths[0] ?? 'root',
    preferences: {},
  });
}
