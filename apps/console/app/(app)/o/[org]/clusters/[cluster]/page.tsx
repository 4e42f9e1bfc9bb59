import { effectiveTeamIds, isAppError, mayAccessClusterIn, mayManageClustersIn, mayManageOthersClusterTokens } from '@atrium/core';
import { getCluster, listTeams } from '@atrium/db';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { toClusterDto } from '../../../../../../src/api/dto';
import { ClusterDetail } from '../../../../../../src/components/cluster-detail';
import { Forbidden } from '../../../../../../src/components/page-bits';
import { readBackendWorkspace } from '../../../../../../src/server/backend';
import { db } from '../../../../../../src/server/db';
import { requireOrgPage } from '../../../../../../src/server/page-context';

export const metadata: Metadata = { title: 'Cluster' };

export default async function ClusterPage({ params }: { params: Promise<{ org: string; cluster: string }> }) {
  const { org: slug, cluster: clusterId } = await params;
  const ctx = await requireOrgPage(slug);
  if (!ctx.can('cluster:read')) return <Forbidden what="clusters" role={ctx.role} orgSlug={ctx.org.slug} />;
  // Malformed, missing and other orgs' ids are the same 404, as in the API.
  const cluster = /^[A-Za-z0-9_-]{1,64}$/.test(clusterId)
    ? await getCluster(db(), { orgId: ctx.org.id, clusterId }).catch((e: unknown) => {
        if (isAppError(e) && e.code === 'NOT_FOUND') return null;
        throw e;
      })
    : null;
  if (!cluster) notFound();
  // The backend's view is read live on each render (a refresh after the phase settles shows the final one).
  const [teams, backend] = await Promise.all([listTeams(db(), { orgId: ctx.org.id, memberId: ctx.membership.id }), readBackendWorkspace(cluster.kcpPath)]);
  const mine = effectiveTeamIds(
    teams,
    teams.filter((t) => t.hasMember).map((t) => t.id),
  );
  return (
    <ClusterDetail
      org={ctx.org.slug}
      initial={toClusterDto(cluster)}
      backend={backend}
      canDelete={mayManageClustersIn(ctx.role, cluster.team.id, mine) && ctx.can('cluster:delete')}
      canAccess={mayAccessClusterIn(ctx.role, cluster.team.id, mine)}
      tokens={!ctx.can('cluster:kubeconfig') ? 'none' : mayManageOthersClusterTokens(ctx.role) ? 'everyone' : 'own'}
    />
  );
}
