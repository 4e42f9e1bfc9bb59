import { issueClusterCredentials } from '@atrium/db';
import { buildKubeconfig, clusterUrl } from '@atrium/kube';
import { backendCaData, backendServer } from '../../../server/backend.js';
import { defineRoute } from '../../define-route.js';
import { ZKubeconfigParams, ZKubeconfigResponse } from './download-kubeconfig.types.js';

export const downloadKubeconfigRoute = defineRoute({
  method: 'POST',
  path: '/orgs/{org}/clusters/{clusterId}/kubeconfig',
  summary: 'Issue a personal token for a Ready cluster and return its kubeconfig (the token is shown once)',
  tag: 'clusters',
  auth: 'org',
  permission: 'cluster:kubeconfig',
  params: ZKubeconfigParams,
  response: ZKubeconfigResponse,
  status: 201,
  async handler({ db, org, user, principal, membership, ip, params }) {
    const creds = await issueClusterCredentials(db, {
      orgId: org.id,
      orgSlug: org.slug,
      actor: { userId: user.id, tokenId: principal.tokenId, ip },
      role: membership.role,
      membershipId: membership.id,
      email: user.email,
      clusterId: params.clusterId,
    });
    const server = clusterUrl(backendServer(), creds.kcpPath);
    const ca = backendCaData();
    const kubeconfig = buildKubeconfig({
      server,
      token: creds.token,
      contextName: creds.contextName,
      userName: creds.username,
      ...(ca ? { certificateAuthorityData: ca } : {}),
    });
    return { kubeconfig, contextName: creds.contextName, server, username: creds.username, groups: creds.groups };
  },
});
