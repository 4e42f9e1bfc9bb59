import type { DbOrTx } from '../shared.js';

/** graphile-worker task that writes one org template to the backend as a WorkspaceType. */
export const SYNC_TEMPLATE_WORKSPACE_TYPE_TASK = 'template-workspace-type-sync';

/**
 * Enqueues the WorkspaceType sync of an org template inside the caller's transaction (create, update and
 * delete all call it): the job carries only the template's identity and the task reads the current row, so
 * many edits collapse into one job (job key) and the last state wins.
 */
export async function enqueueTemplateWorkspaceTypeSync(tx: DbOrTx, o: { orgId: string; slug: string }): Promise<void> {
  await tx.$executeRaw`select graphile_worker.add_job(
    ${SYNC_TEMPLATE_WORKSPACE_TYPE_TASK}::text,
    json_build_object('orgId', ${o.orgId}::text, 'slug', ${o.slug}::text),
    job_key := ${`tpl:${o.orgId}:${o.slug}`}::text,
    max_attempts := 25
  )`;
}

export interface TemplateForWorkspaceType {
  orgSlug: string;
  /** Null once the template is deleted: the WorkspaceType goes too. */
  template: { id: string; slug: string; name: string; apiSets: string[]; allowedRegions: string[]; podSecurity: string } | null;
}

/** What the sync task needs, by org id and slug; undefined when the org itself is gone. */
export async function loadTemplateForWorkspaceType(db: DbOrTx, o: { orgId: string; slug: string }): Promise<TemplateForWorkspaceType | undefined> {
  const org = await db.organization.findUnique({ where: { id: o.orgId }, select: { slug: true } });
  if (!org) return undefined;
  const template = await db.clusterTemplate.findFirst({
    where: { orgId: o.orgId, slug: o.slug },
    select: { id: true, slug: true, name: true, apiSets: true, allowedRegions: true, podSecurity: true },
  });
  return { orgSlug: org.slug, template };
}
