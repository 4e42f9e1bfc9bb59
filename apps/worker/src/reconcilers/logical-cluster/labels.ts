/** Labels and annotations Atrium puts on backend objects, so they can be traced to rows. */
export const LOGICAL_CLUSTER_ID_LABEL = 'atrium.io/logical-cluster-id';
export const ORG_ID_LABEL = 'atrium.io/org-id';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'atrium-worker';

/** Values of @atrium/kube's GUARDRAIL_LABEL: the org policy each guardrail object implements. */
export const MEMBER_ACCESS_POLICY = 'member-access';
export const DEFAULT_REQUESTS_POLICY = 'default-requests';

/** Group names carried by kubeconfig tokens the console mints; RBAC binds groups, not people. */
export const teamGroup = (teamId: string) => `atrium:team:${teamId}`;
export const orgAdminsGroup = (orgId: string) => `atrium:org-admins:${orgId}`;
