import http from 'node:http';
import https from 'node:https';
import { ApiException, KubeConfig, type KubernetesObject, KubernetesObjectApi, type V1APIResource } from '@kubernetes/client-node';
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

/** A core/v1 Event as Atrium reads it back (client-node turns timestamps into Date objects). */
export const kubeEventSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string(), labels: z.record(z.string(), z.string()).optional() }),
  reason: z.string().optional(),
  message: z.string().optional(),
  type: z.string().optional(),
  count: z.number().optional(),
  firstTimestamp: z.unknown().optional(),
  lastTimestamp: z.unknown().optional(),
  involvedObject: z.looseObject({ kind: z.string().optional(), name: z.string().optional() }).optional(),
});
export type KubeEvent = z.infer<typeof kubeEventSchema>;

export interface EventInput {
  /** Deterministic per (object, reason): recording the same reason again bumps `count` instead of adding an Event. */
  name: string;
  namespace: string;
  involvedObject: { apiVersion: string; kind: string; name: string; uid?: string; namespace?: string };
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  /** `source.component`, e.g. the reconciler's name. */
  component: string;
  labels?: Record<string, string>;
}

/**
 * RFC 3339 with milliseconds: a server that keeps them (the embedded one does) can order Events of the
 * same second; one that stores `metav1.Time` in whole seconds drops them, which parses just as well.
 */
const kubeTime = (d = new Date()) => d.toISOString();

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

/**
 * client-node builds a new https.Agent for every request (a TCP connect and a full TLS handshake each,
 * which on a small machine costs more CPU than the request itself). Every request of one KcpClient goes
 * through one keep-alive agent instead.
 */
class PooledKubeConfig extends KubeConfig {
  constructor(private readonly agent: http.Agent) {
    super();
  }
  override async applySecurityAuthentication(context: Parameters<KubeConfig['applySecurityAuthentication']>[0]): Promise<void> {
    await super.applySecurityAuthentication(context);
    context.setAgent(this.agent);
  }
}

/**
 * API versions every logical cluster serves alike (built in, not from APIBindings): their discovery
 * answer is shared by the per-path clients, so a new cluster's first create is one round trip, not two.
 */
const BUILT_IN_API_VERSIONS = new Set(['v1', 'rbac.authorization.k8s.io/v1', TENANCY_API_VERSION, 'apis.kcp.io/v1alpha1', 'core.kcp.io/v1alpha1']);

function sharingDiscovery(shared: Map<string, V1APIResource[]>) {
  return class SharedDiscoveryObjectApi extends KubernetesObjectApi {
    override async resource(apiVersion: string, kind: string, options?: Parameters<KubernetesObjectApi['resource']>[2]): Promise<V1APIResource | undefined> {
      const builtIn = BUILT_IN_API_VERSIONS.has(apiVersion);
      const known = builtIn ? shared.get(apiVersion)?.find((r) => r.kind === kind) : undefined;
      if (known) return known;
      const found = await super.resource(apiVersion, kind, options);
      const list = this.apiVersionResourceCache[apiVersion];
      if (builtIn && found && list) shared.set(apiVersion, list.resources);
      return found;
    }

    withNamespaceOf(kc: KubeConfig): this {
      this.setDefaultNamespace(kc);
      return this;
    }
  };
}

export class KcpClient {
  private readonly clients = new Map<string, KubernetesObjectApi>();
  // Below the server's keep-alive timeout (65 s here, 90 s in Go's net/http), so an idle socket is
  // closed by us, not reused just as the server drops it.
  private readonly agent: http.Agent;
  private readonly discovery = new Map<string, V1APIResource[]>();
  private readonly ObjectApi: ReturnType<typeof sharingDiscovery>;

  constructor(private readonly connection: KcpConnection) {
    const pool = { keepAlive: true, timeout: 30_000, maxSockets: 64 };
    this.agent = connection.server.startsWith('http:')
      ? new http.Agent(pool)
      : new https.Agent({ ...pool, ...(connection.caPem ? { ca: connection.caPem } : {}) });
    this.ObjectApi = sharingDiscovery(this.discovery);
  }

  /** A generic object client bound to one logical cluster. */
  objects(path: string): KubernetesObjectApi {
    let client = this.clients.get(path);
    if (!client) {
      const kc = new PooledKubeConfig(this.agent);
      kc.loadFromString(
        buildKubeconfig({
          server: clusterUrl(this.connection.server, path),
          token: this.connection.token,
          contextName: path.replaceAll(':', '-'),
          ...(this.connection.caPem ? { certificateAuthorityData: Buffer.from(this.connection.caPem).toString('base64') } : {}),
        }),
      );
      client = kc.makeApiClient(this.ObjectApi).withNamespaceOf(kc);
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
    const created = await this.createWorkspace(parentPath, input);
    if (created) return created;
    // Lost a race with another pass of the same reconcile: the object exists now.
    const again = await this.getWorkspace(parentPath, input.name);
    if (again) return again;
    throw new Error(`workspace ${parentPath}:${input.name} was reported to exist but cannot be read`);
  }

  /**
   * Creates the Workspace in one call; undefined when one of that name exists already (the caller reads
   * it if it needs it). Saves the read `ensureWorkspace` makes first when the Workspace is most likely new.
   */
  async createWorkspace(parentPath: string, input: WorkspaceSpecInput): Promise<Workspace | undefined> {
    const body: KubernetesObject = {
      apiVersion: TENANCY_API_VERSION,
      kind: 'Workspace',
      metadata: { name: input.name, ...(input.labels ? { labels: input.labels } : {}), ...(input.annotations ? { annotations: input.annotations } : {}) },
      ...(input.type ? { spec: { type: input.type } } : {}),
    } as KubernetesObject;
    try {
      return workspaceSchema.parse(await this.objects(parentPath).create(body));
    } catch (err) {
      if (isConflict(err)) return undefined;
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

  /**
   * Records a Kubernetes Event the way kubelet's recorder deduplicates: one object per (involved object,
   * reason), whose `count` and `lastTimestamp` grow when the reason repeats (the message is the latest).
   * A concurrent recorder of the same Event is a conflict; re-reading and retrying keeps every occurrence.
   */
  async recordEvent(path: string, input: EventInput): Promise<'created' | 'updated'> {
    const objects = this.objects(path);
    const ref = { apiVersion: 'v1', kind: 'Event', metadata: { name: input.name, namespace: input.namespace } };
    const at = kubeTime();
    for (let attempt = 0; ; attempt++) {
      try {
        await objects.create({
          ...ref,
          metadata: { ...ref.metadata, ...(input.labels ? { labels: input.labels } : {}) },
          involvedObject: input.involvedObject,
          reason: input.reason,
          message: input.message,
          type: input.type,
          source: { component: input.component },
          count: 1,
          firstTimestamp: at,
          lastTimestamp: at,
        } as KubernetesObject);
        return 'created';
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
      try {
        const current = (await objects.read(ref)) as KubernetesObject & { count?: number };
        await objects.replace({
          ...current,
          involvedObject: input.involvedObject,
          message: input.message,
          type: input.type,
          count: (current.count ?? 1) + 1,
          lastTimestamp: at,
        } as KubernetesObject);
        return 'updated';
      } catch (err) {
        // Deleted in between (404: create again) or updated in between (409: bump the newer one).
        if (attempt >= 4 || !(isConflict(err) || isNotFound(err))) throw err;
      }
    }
  }

  /** Events in one namespace of a logical cluster, selected by label, oldest first by last occurrence. */
  async listEvents(path: string, namespace: string, labelSelector: string): Promise<KubeEvent[]> {
    const list = await this.objects(path).list('v1', 'Event', namespace, undefined, undefined, undefined, undefined, labelSelector);
    const time = (v: unknown) => (v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : 0);
    return list.items
      .map((e) => kubeEventSchema.parse(e))
      .sort((a, b) => time(a.lastTimestamp) - time(b.lastTimestamp) || time(a.firstTimestamp) - time(b.firstTimestamp));
  }
}
