import { ApiException, KubeConfig, type KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import { z } from 'zod';
import { buildKubeconfig } from './kubeconfig.js';
import { clusterUrl } from './naming.js';

/**
 * The worker's and console's only way to the backend: the kcp API over HTTP
 * with @kubernetes/client-node, one client per logical-cluster path. Works the
 * same against Atrium's embedded API server and a real kcp.
 */
export interface KcpConnection {
  /** Base URL of the server, without /clusters/… */
  server: string;
  token: string;
  /** PEM of the CA that signed the server's certificate, when it is not a public one. */
  caPem?: string;
}

export const TENANCY_API_VERSION = 'tenancy.kcp.io/v1alpha1';

/** The parts of a kcp Workspace that Atrium reads; everything else passes through. */
export const workspaceSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.literal('Workspace'),
  metadata: z.looseObject({
    name: z.string(),
    uid: z.string().optional(),
    resourceVersion: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    // client-node turns timestamps into Date objects; Atrium only checks presence.
    deletionTimestamp: z.unknown().optional(),
  }),
  spec: z
    .looseObject({
      type: z.looseObject({ name: z.string(), path: z.string().optional() }).optional(),
      cluster: z.string().optional(),
      URL: z.string().optional(),
    })
    .optional(),
  status: z.looseObject({ phase: z.string().optional() }).optional(),
});
export type Workspace = z.infer<typeof workspaceSchema>;

export interface WorkspaceSpecInput {
  name: string;
  type?: { name: string; path?: string };
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiException && err.code === 404;
}

export function isConflict(err: unknown): boolean {
  return err instanceof ApiException && err.code === 409;
}

/** A short, single-line description of a failed API call, for status messages. */
export function describeApiError(err: unknown): string {
  if (err instanceof ApiException) {
    const body = typeof err.body === 'string' ? err.body : JSON.stringify(err.body);
    try {
      const parsed = JSON.parse(body) as { message?: string };
      return `HTTP ${err.code}: ${parsed.message ?? body}`;
    } catch {
      return `HTTP ${err.code}: ${body.slice(0, 300)}`;
    }
  }
  return err instanceof Error ? err.message : String(err);
}

export class KcpClient {
  private readonly clients = new Map<string, KubernetesObjectApi>();

  constructor(private readonly connection: KcpConnection) {}

  /** A generic object client bound to one logical cluster. */
  objects(path: string): KubernetesObjectApi {
    let client = this.clients.get(path);
    if (!client) {
      const kc = new KubeConfig();
      kc.loadFromString(
        buildKubeconfig({
          server: clusterUrl(this.connection.server, path),
          token: this.connection.token,
          contextName: path.replaceAll(':', '-'),
          ...(this.connection.caPem ? { certificateAuthorityData: Buffer.from(this.connection.caPem).toString('base64') } : {}),
        }),
      );
      client = KubernetesObjectApi.makeApiClient(kc);
      this.clients.set(path, client);
    }
    return client;
  }

  async getWorkspace(parentPath: string, name: string): Promise<Workspace | undefined> {
    try {
      const raw = await this.objects(parentPath).read({ apiVersion: TENANCY_API_VERSION, kind: 'Workspace', metadata: { name } });
      return workspaceSchema.parse(raw);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Creates the Workspace, or returns the existing one of that name (idempotent). */
  async ensureWorkspace(parentPath: string, input: WorkspaceSpecInput): Promise<Workspace> {
    const existing = await this.getWorkspace(parentPath, input.name);
    if (existing) return existing;
    const body: KubernetesObject = {
      apiVersion: TENANCY_API_VERSION,
      kind: 'Workspace',
      metadata: { name: input.name, ...(input.labels ? { labels: input.labels } : {}), ...(input.annotations ? { annotations: input.annotations } : {}) },
      ...(input.type ? { spec: { type: input.type } } : {}),
    } as KubernetesObject;
    try {
      return workspaceSchema.parse(await this.objects(parentPath).create(body));
    } catch (err) {
      // Lost a race with another pass of the same reconcile: the object exists now.
      if (isConflict(err)) {
        const again = await this.getWorkspace(parentPath, input.name);
        if (again) return again;
      }
      throw err;
    }
  }

  /** Requests deletion; resolves `true` once the Workspace is gone. */
  async deleteWorkspace(parentPath: string, name: string): Promise<boolean> {
    try {
      await this.objects(parentPath).delete(
        { apiVersion: TENANCY_API_VERSION, kind: 'Workspace', metadata: { name } },
        undefined,
        undefined,
        undefined,
        undefined,
        'Foreground',
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return (await this.getWorkspace(parentPath, name)) === undefined;
  }

  /** Creates `object` in the logical cluster at `path` unless one of that name exists. */
  async ensureObject<T extends KubernetesObject>(path: string, object: T): Promise<void> {
    try {
      await this.objects(path).create(object);
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
}
