import {
  AppError,
  describeHeadroom,
  describeObject,
  evaluateBudgetSequence,
  evaluateBudgets,
  formatMonthlyMicros,
  isAppError,
  isScaleTarget,
  type PricingContext,
  priceObject,
  scaleTargetOf,
} from '@atrium/core';
import { loadClusterBudgetPath, loadPriceBook } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { budgetView } from '../budgets/budget-view.js';
import { parseManifest } from './manifest.js';
import { ZPreviewCostBody, ZPreviewCostParams, ZPreviewCostResponse } from './preview-cost.types.js';

export const previewCostRoute = defineRoute({
  method: 'POST',
  path: '/orgs/{org}/cost/preview',
  summary: "Price a manifest's objects with the org's price book and decide them against the cluster's budgets as admission would; nothing is written",
  tag: 'cost',
  auth: 'org',
  permission: 'cost:read',
  params: ZPreviewCostParams,
  body: ZPreviewCostBody,
  response: ZPreviewCostResponse,
  status: 200,
  async handler({ db, org, body }) {
    const { cluster, budgets } = await loadClusterBudgetPath(db, { orgId: org.id, clusterId: body.clusterId });
    const objects = parseManifest(body.manifest);
    const book = await loadPriceBook(db, { orgId: org.id, at: new Date() });
    // The book's region multiplier applies to the cluster's first (primary) region.
    const context: PricingContext = cluster.regions[0] !== undefined ? { region: cluster.regions[0] } : {};
    // An autoscaler is priced with its target from the same manifest (the cluster's own objects are not read here).
    const namespaceOf = (o: unknown) => (o as { metadata?: { namespace?: string } }).metadata?.namespace ?? 'default';
    const targetFor = (hpa: unknown) => {
      const ref = scaleTargetOf(hpa);
      return ref ? (objects.find((o) => namespaceOf(o) === namespaceOf(hpa) && isScaleTarget(ref, o)) ?? null) : undefined;
    };
    const priced = objects.map((object) => {
      const description = describeObject(object);
      try {
        const scaleTarget = targetFor(object);
        return { description, price: priceObject(object, book, scaleTarget !== undefined ? { ...context, scaleTarget } : context) };
      } catch (e) {
        if (isAppError(e)) throw e;
        // A malformed quantity or replica count: admission would refuse the object too.
        const message = `${description}: ${(e as Error).message}`;
        throw new AppError('VALIDATION_FAILED', message, { details: { fields: { manifest: [message] } } });
      }
    });
    // Each object is a create (its whole price is the delta), decided after the ones before it.
    const { decisions, path: after } = evaluateBudgetSequence(
      budgets,
      priced.map((p) => ({ description: p.description, deltaMicros: p.price.priceMicros })),
    );
    const denial = decisions.find((d) => !d.allowed);
    const totalMicros = priced.reduce((sum, p) => sum + p.price.priceMicros, 0n);
    // Deciding a zero change lists the budgets at ≥ 80 % once the admitted objects are in.
    const warnings = [...evaluateBudgets(after, 0n, '').warnings];
    return {
      cluster: { id: cluster.id, name: cluster.name, kcpPath: cluster.kcpPath },
      objects: priced.map((p, i) => {
        const d = decisions[i];
        return {
          description: p.description,
          priceMicros: p.price.priceMicros.toString(),
          price: formatMonthlyMicros(p.price.priceMicros),
          lines: p.price.lines.map((l) => ({
            ruleKey: l.ruleKey,
            description: l.description,
            unit: l.unit,
            quantity: l.quantity.toString(),
            priceMicros: l.priceMicros.toString(),
            price: formatMonthlyMicros(l.priceMicros),
          })),
          notes: [...p.price.notes],
          allowed: d?.allowed ?? true,
          message: d && !d.allowed ? d.message : null,
        };
      }),
      totalMicros: totalMicros.toString(),
      total: formatMonthlyMicros(totalMicros),
      allowed: denial === undefined,
      message: denial && !denial.allowed ? denial.message : null,
      warnings,
      headroom: describeHeadroom(budgets, totalMicros),
      budgets: budgets.map((b, i) => {
        const committedAfterMicros = after[i]?.committedMicros ?? b.committedMicros;
        return {
          scope: b.scope,
          name: b.name,
          budget: budgetView(b.capMicros, b.committedMicros),
          committedAfterMicros: committedAfterMicros.toString(),
          committedAfter: formatMonthlyMicros(committedAfterMicros),
        };
      }),
    };
  },
});
