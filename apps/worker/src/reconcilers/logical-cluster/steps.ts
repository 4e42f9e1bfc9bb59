import type { Workspace } from '@atrium/kube';
import { LOGICAL_CLUSTER_ID_LABEL, MANAGED_BY, MANAGED_BY_LABEL, ORG_ID_LABEL, orgAdminsGroup, teamGroup } from './labels.js';
import { CONTINUE, type ReconcileContext, type Step, type StepResult } from './types.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls a Workspace until Ready, within the pass's wait budget. */
async function waitForReady(ctx: ReconcileContext, parentPath: string, name: string): Promise<Workspace | undefined> {
  const deadline = Date.now() + ctx.waitBudgetMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    const ws = await ctx.kcp.getWorkspace(parentPath, name);
    if (ws?.status?.phase === 'Ready') return ws;
    if (Date.now() + delay > deadline) return undefined;
    await sleep(delay);
  }
}

function segments(ctx: ReconcileContext): string[] {
  return ctx.cluster.kcpPath.split(':');
}

export const markProvisioning: Step = {
  name: 'mark-provisioning',
  async run(ctx) {
    if (ctx.status.phase === 'Requested') ctx.status.phase = 'Provisioning';
    return CONTINUE;
  },
};

/** root:<org>:<team…> must exist and be Ready before the cluster's own Workspace. */
export const ensureParentWorkspaces: Step = {
  name: 'ensure-parent-workspaces',
  async run(ctx): Promise<StepResult> {
    const parts = segments(ctx);
    for (let i = 1; i < parts.length - 1; i++) {
      const parent = parts.slice(0, i).join(':');
      const name = parts[i] as string;
      await ctx.kcp.ensureWorkspace(parent, { name, labels: { [ORG_ID_LABEL]: ctx.cluster.orgId, [MANAGED_BY_LABEL]: MANAGED_BY } });
      if (!(await waitForReady(ctx, parent, name))) return { kind: 'requeue', afterMs: 250, reason: `waiting for workspace ${parent}:${name}` };
    }
    return CONTINUE;
  },
};

export const ensureClusterWorkspace: Step = {
  name: 'ensure-cluster-workspace',
  async run(ctx) {
    const parts = segments(ctx);
    await ctx.kcp.ensureWorkspace(parts.slice(0, -1).join(':'), {
      name: parts.at(-1) as string,
      labels: { [LOGICAL_CLUSTER_ID_LABEL]: ctx.cluster.id, [ORG_ID_LABEL]: ctx.cluster.orgId, [MANAGED_BY_LABEL]: MANAGED_BY },
      annotations: { 'atrium.io/template': ctx.cluster.template.slug },
    });
    return CONTINUE;
  },
};

export const waitClusterReady: Step = {
  name: 'wait-cluster-ready',
  async run(ctx) {
    const parts = segments(ctx);
    const ws = await waitForReady(ctx, parts.slice(0, -1).join(':'), parts.at(-1) as string);
    if (!ws) return { kind: 'requeue', afterMs: 250, reason: 'waiting for the logical cluster to become Ready' };
    ctx.status.url = ws.spec?.URL ?? null;
    ctx.status.backendClusterId = ws.spec?.cluster ?? null;
    return CONTINUE;
  },
};

/**
 * Access by group, not by person: kubeconfig tokens carry the holder's team
 * and org-admin groups, so membership changes need no RBAC rewrite here.
 */
export const ensureAccess: Step = {
  name: 'ensure-access',
  async run(ctx) {
    const path = ctx.cluster.kcpPath;
    const binding = (name: string, subjects: Array<{ kind: string; name: string }>) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels: { [MANAGED_BY_LABEL]: MANAGED_BY } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: subjects.map((s) => ({ apiGroup: 'rbac.authorization.k8s.io', ...s })),
    });
    await ctx.kcp.ensureObject(path, binding('atrium:team-members', [{ kind: 'Group', name: teamGroup(ctx.cluster.teamId) }]));
    await ctx.kcp.ensureObject(path, binding('atrium:org-admins', [{ kind: 'Group', name: orgAdminsGroup(ctx.cluster.orgId) }]));
    if (ctx.cluster.requestedByEmail) await ctx.kcp.ensureObject(path, binding('atrium:requester', [{ kind: 'User', name: ctx.cluster.requestedByEmail }]));
    return CONTINUE;
  },
};

/** Defaults every workload is priced against: containers without requests get these. */
export const ensureDefaults: Step = {
  name: 'ensure-defaults',
  async run(ctx) {
    await ctx.kcp.ensureObject(ctx.cluster.kcpPath, {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'atrium-defaults', namespace: 'default', labels: { [MANAGED_BY_LABEL]: MANAGED_BY } },
      spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '100m', memory: '128Mi' } }] },
    });
    return CONTINUE;
  },
};

export const markReady: Step = {
  name: 'mark-ready',
  async run(ctx) {
    ctx.status.phase = 'Ready';
    ctx.status.message = null;
    ctx.status.readyAt = new Date();
    return { kind: 'stop' };
  },
};

export const deleteClusterWorkspace: Step = {
  name: 'delete-cluster-workspace',
  async run(ctx) {
    const parts = segments(ctx);
    const parent = parts.slice(0, -1).join(':');
    const name = parts.at(-1) as string;
    const deadline = Date.now() + ctx.waitBudgetMs;
    while (!(await ctx.kcp.deleteWorkspace(parent, name))) {
      if (Date.now() > deadline) return { kind: 'requeue', afterMs: 250, reason: 'waiting for the workspace subtree to be deleted' };
      await sleep(50);
    }
    return CONTINUE;
  },
};

/** The row stays, as a tombstone for billing history. */
export const markDeleted: Step = {
  name: 'mark-deleted',
  async run(ctx) {
    ctx.status.phase = 'Deleted';
    ctx.status.deletedAt = new Date();
    ctx.status.message = null;
    return { kind: 'stop' };
  },
};

export const PROVISION_CHAIN: Step[] = [
  markProvisioning,
  ensureParentWorkspaces,
  ensureClusterWorkspace,
  waitClusterReady,
  ensureAccess,
  ensureDefaults,
  markReady,
];
export const DELETE_CHAIN: Step[] = [deleteClusterWorkspace, markDeleted];
