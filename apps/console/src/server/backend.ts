import fs from 'node:fs';
import { apiserverUrl, env } from '@atrium/config';
import { describeApiError, KcpClient } from '@atrium/kube';
import { z } from 'zod';

/** Where kubeconfigs point: the kcp-compatible backend (the embedded API server unless ATRIUM_KCP_URL says otherwise). */
export function backendServer(): string {
  return apiserverUrl();
}

let ca: { file: string; data: string } | undefined;

/**
 * The backend's CA as kubeconfig `certificate-authority-data` (base64 of the PEM), when it is
 * not publicly trusted: kubectl sends bearer tokens over TLS only. Read once per file path.
 */
export function backendCaData(): string | undefined {
  const file = env().ATRIUM_KCP_CA_FILE;
  if (!file) return undefined;
  if (ca?.file !== file) ca = { file, data: Buffer.from(fs.readFileSync(file, 'utf8')).toString('base64') };
  return ca.data;
}

let kcp: { key: string; client: KcpClient } | undefined;

/** The console's client for the backend, with the system token from config; undefined when none is configured. */
export function backendClient(): KcpClient | undefined {
  const e = env();
  if (!e.ATRIUM_KCP_TOKEN) return undefined;
  const server = backendServer();
  const key = `${server}\n${e.ATRIUM_KCP_CA_FILE ?? ''}`;
  if (kcp?.key !== key) {
    const caPem = e.ATRIUM_KCP_CA_FILE ? fs.readFileSync(e.ATRIUM_KCP_CA_FILE, 'utf8') : undefined;
    kcp = { key, client: new KcpClient({ server, token: e.ATRIUM_KCP_TOKEN, ...(caPem ? { caPem } : {}) }) };
  }
  return kcp.client;
}

const ZConditions = z
  .array(
    z.looseObject({
      type: z.string(),
      status: z.string(),
      reason: z.string().optional(),
      message: z.string().optional(),
      // client-node turns timestamps into Date objects.
      lastTransitionTime: z.unknown().optional(),
    }),
  )
  .catch([]);

export interface BackendWorkspaceView {
  /** `absent`: no Workspace at that path (not provisioned yet, or deleted); `unavailable`: the backend did not answer. */
  state: 'found' | 'absent' | 'unavailable';
  phase: string | null;
  conditions: Array<{ type: string; status: string; reason: string | null; message: string | null; lastTransitionTime: string | null }>;
  detail?: string;
}

/**
 * The backend's own view of a cluster's Workspace (phase and conditions), read live with the system token.
 * A slow or failing backend must not break the cluster page, so errors and timeouts become `unavailable`.
 */
export async function readBackendWorkspace(path: string, timeoutMs = 2_000): Promise<BackendWorkspaceView> {
  const client = backendClient();
  if (!client) return { state: 'unavailable', phase: null, conditions: [], detail: 'No backend token is configured (ATRIUM_KCP_TOKEN).' };
  const segments = path.split(':');
  const name = segments.pop() as string;
  let timer: NodeJS.Timeout | undefined;
  try {
    const ws = await Promise.race([
      client.getWorkspace(segments.join(':'), name),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    if (!ws) return { state: 'absent', phase: null, conditions: [] };
    const conditions = ZConditions.parse((ws.status as { conditions?: unknown } | undefined)?.conditions ?? []);
    return {
      state: 'found',
      phase: ws.status?.phase ?? null,
      conditions: conditions.map((c) => ({
        type: c.type,
        status: c.status,
        reason: c.reason ?? null,
        message: c.message ?? null,
        lastTransitionTime:
          c.lastTransitionTime instanceof Date ? c.lastTransitionTime.toISOString() : typeof c.lastTransitionTime === 'string' ? c.lastTransitionTime : null,
      })),
    };
  } catch (err) {
    return { state: 'unavailable', phase: null, conditions: [], detail: describeApiError(err) };
  } finally {
    clearTimeout(timer);
  }
}
