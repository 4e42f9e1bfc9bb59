import { loadTemplateForWorkspaceType } from '@atrium/db';
import { isConflict, isNotFound, TENANCY_API_VERSION, workspaceTypeName } from '@atrium/kube';
import { z } from 'zod';
import { MANAGED_BY, MANAGED_BY_LABEL, ORG_ID_LABEL } from '../reconcilers/logical-cluster/labels.js';
import type { TaskDeps } from './index.js';

export const templateSyncPayload = z.object({ orgId: z.string().min(1), slug: z.string().min(1) });
export const TEMPLATE_ID_LABEL = 'atrium.io/template-id';

/** client-node's object type, without depending on client-node here. */
type KubernetesObject = Parameters<ReturnType<TaskDeps['kcp']['objects']>['create']>[0];

type Outcome = 'created' | 'updated' | 'unchanged' | 'deleted' | 'absent' | 'org-gone';

/**
 * Level-based and idempotent: makes the WorkspaceType `atrium-<org>-<template>` in `root:<org>` match the
 * template row as it is now (created, replaced when it differs, deleted once the template is gone). Safe to
 * re-run after a crash at any point; a lost race with another pass is a conflict that graphile-worker retries.
 * What the backend can enforce from a template today: a cluster of it is a leaf (no child workspaces); the
 * API sets, regions and pod security travel as annotations for the admission plugins that read them.
 */
export async function syncTemplateWorkspaceType(deps: TaskDeps, payload: unknown): Promise<Outcome> {
  const { orgId, slug } = templateSyncPayload.parse(payload);
  const loaded = await loadTemplateForWorkspaceType(deps.prisma, { orgId, slug });
  if (!loaded) return 'org-gone';
  const orgPath = `root:${loaded.orgSlug}`;
  const name = workspaceTypeName(loaded.orgSlug, slug);
  const ref = { apiVersion: TENANCY_API_VERSION, kind: 'WorkspaceType', metadata: { name } };
  const t = loaded.template;

  if (!t) {
    try {
      await deps.kcp.objects(orgPath).delete(ref);
      return 'deleted';
    } catch (err) {
      if (isNotFound(err)) return 'absent';
      throw err;
    }
  }

  // The org workspace is where the type lives; the provisioning reconciler creates it with the same labels.
  await deps.kcp.ensureWorkspace('root', { name: loaded.orgSlug, labels: { [ORG_ID_LABEL]: orgId, [MANAGED_BY_LABEL]: MANAGED_BY } });
  const desired = {
    metadata: {
      name,
      labels: { [ORG_ID_LABEL]: orgId, [TEMPLATE_ID_LABEL]: t.id, [MANAGED_BY_LABEL]: MANAGED_BY },
      annotations: {
        'atrium.io/template': t.slug,
        'atrium.io/display-name': t.name,
        'atrium.io/api-sets': t.apiSets.join(','),
        'atrium.io/allowed-regions': t.allowedRegions.join(','),
        'atrium.io/pod-security': t.podSecurity,
      },
    },
    spec: { limitAllowedChildren: { none: true } },
  };

  const objects = deps.kcp.objects(orgPath);
  let existing: KubernetesObject & { spec?: unknown };
  try {
    existing = (await objects.read(ref)) as KubernetesObject & { spec?: unknown };
  } catch (err) {
    if (!isNotFound(err)) throw err;
    try {
      await objects.create({ ...ref, ...desired } as KubernetesObject);
      return 'created';
    } catch (createErr) {
      // The org workspace may still be initialising (404 for its path) or another pass won (409): retry later.
      if (isConflict(createErr) || isNotFound(createErr)) throw new Error(`WorkspaceType ${orgPath}:${name} not created yet; retrying`);
      throw createErr;
    }
  }
  // Compare only what Atrium sets: the server may add its own annotations and defaults.
  const current = existing as { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> };
  const same =
    Object.entries(desired.metadata.labels).every(([k, v]) => current.metadata?.labels?.[k] === v) &&
    Object.entries(desired.metadata.annotations).every(([k, v]) => current.metadata?.annotations?.[k] === v) &&
    JSON.stringify(current.spec?.limitAllowedChildren) === JSON.stringify(desired.spec.limitAllowedChildren);
  if (same) return 'unchanged';
  await objects.replace({
    ...ref,
    metadata: {
      ...desired.metadata,
      labels: { ...current.metadata?.labels, ...desired.metadata.labels },
      annotations: { ...current.metadata?.annotations, ...desired.metadata.annotations },
      resourceVersion: existing.metadata?.resourceVersion,
    },
    spec: { ...current.spec, ...desired.spec },
  } as KubernetesObject);
  return 'updated';
}
