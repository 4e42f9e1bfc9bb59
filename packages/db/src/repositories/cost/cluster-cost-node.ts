import { LOGICAL_CLUSTER_KIND, type PriceBook, priceObject } from '@atrium/core';
import { BASE_FEE_KEY, chargeObject, loadPriceBookSql, lockCostPath, prismaSqlClient } from '../../cost-ledger.js';
import type { Tx } from '../shared.js';

/** What the price book sees of a logical cluster: its `cluster-month` rules match on name and labels. */
export function logicalClusterPriceObject(cluster: { name: string; labels: unknown }): Record<string, unknown> {
  const labels = cluster.labels && typeof cluster.labels === 'object' && !Array.isArray(cluster.labels) ? cluster.labels : {};
  return { apiVersion: 'core.kcp.io/v1alpha1', kind: LOGICAL_CLUSTER_KIND, metadata: { name: cluster.name, labels } };
}

/** A cluster's monthly base fee: its template's fee plus the book's `cluster-month` rules, in the cluster's first region. */
export function clusterBaseFeeMicros(book: PriceBook, cluster: { name: string; labels: unknown; regions: string[]; templateBaseFeeMicros: bigint }): bigint {
  const region = cluster.regions[0];
  const byRules = priceObject(logicalClusterPriceObject(cluster), book, region !== undefined ? { region } : {}).priceMicros;
  return cluster.templateBaseFeeMicros + byRules;
}

export const BASE_FEE_PRICE_KEY = { ...BASE_FEE_KEY, kind: LOGICAL_CLUSTER_KIND };

/**
 * Gives a just-created cluster its cost node and charges its base fee to every node on its
 * path, in the caller's transaction (the one that created the cluster row). Returns the fee.
 */
export async function openClusterCostNode(
  tx: Tx,
  cluster: { id: string; orgId: string; name: string; kcpPath: string; labels: unknown; regions: string[]; templateId: string },
  capMicros: bigint | null,
): Promise<bigint> {
  const template = await tx.clusterTemplate.findUniqueOrThrow({ where: { id: cluster.templateId }, select: { baseFeeMicros: true } });
  await tx.budget.create({ data: { orgId: cluster.orgId, scope: 'cluster', logicalClusterId: cluster.id, capMicros } });
  const sql = prismaSqlClient(tx);
  const book = await loadPriceBookSql(sql, cluster.orgId, new Date());
  const fee = clusterBaseFeeMicros(book, { ...cluster, templateBaseFeeMicros: template.baseFeeMicros });
  // A free cluster moves nothing, so it takes no lock on its team's and org's nodes.
  if (fee === 0n) return 0n;
  const path = await lockCostPath(sql, cluster.kcpPath);
  if (!path || path.logicalClusterId !== cluster.id) throw new Error(`cluster ${cluster.kcpPath} has no cost path`);
  await chargeObject(sql, path, BASE_FEE_PRICE_KEY, fee, fee);
  return fee;
}
