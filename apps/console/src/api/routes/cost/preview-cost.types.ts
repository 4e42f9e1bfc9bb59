import { z } from 'zod';
import { ZId, ZMicros, ZOrgParams } from '../../dto.js';
import { ZBudgetView } from '../budgets/budget-view.js';
import { MAX_MANIFEST_CHARS } from './manifest.js';

export const ZPreviewCostParams = ZOrgParams;
export const ZPreviewCostBody = z.object({
  clusterId: ZId.meta({ description: 'the live cluster the manifest would be applied to' }),
  manifest: z
    .string()
    .max(MAX_MANIFEST_CHARS, `The manifest is longer than ${MAX_MANIFEST_CHARS} characters; preview it in parts.`)
    .meta({ description: 'Kubernetes objects: JSON, or YAML with several documents' }),
});
const ZSignedMicros = z
  .string()
  .regex(/^-?\d+$/)
  .meta({ description: 'integer micro-dollars, may be negative' });
export const ZPreviewCostResponse = z.object({
  cluster: z.object({ id: z.string(), name: z.string(), kcpPath: z.string() }),
  objects: z.array(
    z.object({
      description: z.string().meta({ example: 'Service default/web (LoadBalancer)' }),
      priceMicros: ZMicros,
      price: z.string().meta({ example: '$1.00/mo' }),
      lines: z.array(
        z.object({
          ruleKey: z.string(),
          description: z.string(),
          unit: z.string(),
          quantity: z.string().meta({ description: "in the unit's base measure: milli-CPU, bytes or a count" }),
          priceMicros: ZMicros,
          price: z.string(),
        }),
      ),
      notes: z.array(z.string()).meta({
        description: 'why the price is what it is where the lines do not say, e.g. "no price rule for example.com/Widget: free"',
      }),
      allowed: z.boolean().meta({ description: 'whether admission would take it, after the objects before it' }),
      message: z.string().nullable().meta({ description: 'the denial admission would answer with' }),
    }),
  ),
  totalMicros: ZMicros,
  total: z.string(),
  allowed: z.boolean().meta({ description: 'every object fits every budget on the path' }),
  message: z.string().nullable().meta({ description: 'the first denial, exactly as admission words it' }),
  warnings: z.array(z.string()).meta({ description: 'budgets at ≥ 80 % after the admitted objects' }),
  headroom: z.string().meta({ example: 'adds $1.00/mo; headroom: team payments $0.50/mo, org acme $95.50/mo' }),
  budgets: z.array(
    z.object({
      scope: z.enum(['cluster', 'team', 'org']),
      name: z.string(),
      budget: ZBudgetView,
      committedAfterMicros: ZSignedMicros.meta({ description: 'committed after the admitted objects' }),
      committedAfter: z.string(),
    }),
  ),
});
