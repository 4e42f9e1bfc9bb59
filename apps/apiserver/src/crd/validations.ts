import { z } from 'zod';
import { CelCompileError, CelCostError, type CelProgram, compileCel, PER_REQUEST_STEP_BUDGET } from './cel.js';

/**
 * `x-kubernetes-validations` of a CRD version's schema, as kube-apiserver evaluates
 * them: compiled once per CRD version (here: per distinct schema), evaluated at every
 * schema node present in the object, `oldSelf` correlated with the stored object
 * through properties, map values and list-type=map keys.
 */

const ruleSchema = z.object({
  rule: z.string().min(1),
  message: z.string().optional(),
  messageExpression: z.string().optional(),
  fieldPath: z.string().optional(),
  reason: z.enum(['FieldValueInvalid', 'FieldValueForbidden', 'FieldValueRequired', 'FieldValueDuplicate']).optional(),
  optionalOldSelf: z.boolean().optional(),
});
type RuleSpec = z.infer<typeof ruleSchema>;

interface CompiledRule {
  spec: RuleSpec;
  rule: CelProgram;
  message?: CelProgram;
}

/** The compiled rules of one schema node and of the nodes below it that have any. */
export interface RuleNode {
  type: string;
  rules: CompiledRule[];
  properties?: Map<string, RuleNode>;
  additionalProperties?: RuleNode;
  items?: RuleNode;
  /** `x-kubernetes-list-type: map`: items are correlated with old items by these keys. */
  listMapKeys?: string[];
}

export interface CompileProblem {
  field: string;
  message: string;
}

export interface CelIssue {
  field: string;
  message: string;
  reason: string;
}

type SchemaLike = Record<string, unknown>;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Compiles every rule below `schema`; `path` names the schema in compile problems
 * (`spec.versions[0].schema.openAPIV3Schema`). Returns undefined when there are no rules.
 */
export function compileSchemaRules(schema: unknown, path: string, problems: CompileProblem[]): RuleNode | undefined {
  if (!isRecord(schema)) return undefined;
  const s = schema as SchemaLike;
  const node: RuleNode = { type: typeof s.type === 'string' ? s.type : s['x-kubernetes-int-or-string'] ? 'int-or-string' : 'object', rules: [] };
  let any = false;
  const raw = s['x-kubernetes-validations'];
  if (raw !== undefined) {
    if (!Array.isArray(raw)) problems.push({ field: `${path}.x-kubernetes-validations`, message: 'Invalid value: must be a list' });
    else
      raw.forEach((r, i) => {
        const at = `${path}.x-kubernetes-validations[${i}]`;
        const parsed = ruleSchema.safeParse(r);
        if (!parsed.success) {
          problems.push({ field: at, message: `Invalid value: ${parsed.error.issues.map((x) => `${x.path.join('.') || 'rule'}: ${x.message}`).join('; ')}` });
          return;
        }
        const spec = parsed.data;
        if (spec.fieldPath !== undefined && !/^(\.[A-Za-z_][A-Za-z0-9_-]*|\['[^']*'\])+$/.test(spec.fieldPath)) {
          problems.push({ field: `${at}.fieldPath`, message: `Invalid value: "${spec.fieldPath}": must be a relative path like .spec.field or ['key']` });
        }
        try {
          const rule = compileCel(spec.rule, { expect: 'bool', optionalOldSelf: spec.optionalOldSelf ?? false });
          if (spec.optionalOldSelf && !rule.usesOldSelf) {
            problems.push({ field: `${at}.optionalOldSelf`, message: 'Forbidden: may not be set if oldSelf is not used in rule' });
          }
          let message: CelProgram | undefined;
          if (spec.messageExpression !== undefined) {
            try {
              message = compileCel(spec.messageExpression, { expect: 'string', optionalOldSelf: spec.optionalOldSelf ?? false });
            } catch (e) {
              if (!(e instanceof CelCompileError)) throw e;
              problems.push({ field: `${at}.messageExpression`, message: `Invalid value: "${spec.messageExpression}": compilation failed: ${e.message}` });
            }
          }
          node.rules.push({ spec, rule, ...(message ? { message } : {}) });
          any = true;
        } catch (e) {
          if (!(e instanceof CelCompileError)) throw e;
          problems.push({ field: `${at}.rule`, message: `Invalid value: "${spec.rule}": compilation failed: ${e.message}` });
        }
      });
  }
  if (isRecord(s.properties)) {
    for (const [key, sub] of Object.entries(s.properties)) {
      const child = compileSchemaRules(sub, `${path}.properties[${key}]`, problems);
      if (child) {
        node.properties ??= new Map();
        node.properties.set(key, child);
        any = true;
      }
    }
  }
  const additional = compileSchemaRules(s.additionalProperties, `${path}.additionalProperties`, problems);
  if (additional) {
    node.additionalProperties = additional;
    any = true;
  }
  const items = compileSchemaRules(s.items, `${path}.items`, problems);
  if (items) {
    node.items = items;
    any = true;
  }
  if (s['x-kubernetes-list-type'] === 'map' && Array.isArray(s['x-kubernetes-list-map-keys'])) {
    node.listMapKeys = (s['x-kubernetes-list-map-keys'] as unknown[]).filter((k): k is string => typeof k === 'string');
  }
  return any ? node : undefined;
}

// Compiled once per distinct schema: every CRD event re-derives a cluster's types, and the
// admission check of a CRD write compiles the same schema again; neither should recompile.
const cache = new Map<string, { node: RuleNode | undefined; problems: CompileProblem[] }>();

export function compileVersionRules(schema: unknown, path: string): { node: RuleNode | undefined; problems: CompileProblem[] } {
  if (!JSON.stringify(schema ?? null).includes('x-kubernetes-validations')) return { node: undefined, problems: [] };
  const key = `${path}\n${JSON.stringify(schema)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const problems: CompileProblem[] = [];
  const node = compileSchemaRules(schema, path, problems);
  if (cache.size >= 500) cache.delete(cache.keys().next().value!);
  const entry = { node, problems };
  cache.set(key, entry);
  return entry;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const child = (path: string, key: string) => (IDENT.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${key}]`);

const REASON_PREFIX: Record<string, string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueForbidden: 'Forbidden',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
};

function fieldPathOf(base: string, fieldPath: string): string {
  let out = base;
  for (const m of fieldPath.matchAll(/\.([A-Za-z_][A-Za-z0-9_-]*)|\['([^']*)'\]/g)) out = child(out, (m[1] ?? m[2])!);
  return out;
}

class BudgetExhausted extends Error {}

/**
 * Evaluates the rules of `node` against `value` (and `old`, the stored value at the same
 * place, on updates). Returns one issue per failing rule. Stops, with one issue, when the
 * request's step budget runs out.
 */
export function evaluateRules(node: RuleNode, value: unknown, old: unknown, hasOld: boolean): CelIssue[] {
  const issues: CelIssue[] = [];
  const budget = { remaining: PER_REQUEST_STEP_BUDGET };
  try {
    visit(node, value, old, hasOld, '', issues, budget);
  } catch (e) {
    if (!(e instanceof BudgetExhausted)) throw e;
    issues.push({
      field: e.message || '<root>',
      reason: 'FieldValueInvalid',
      message: 'Invalid value: "object": validation failed due to running out of cost budget, no further validation rules will be run',
    });
  }
  return issues;
}

function visit(node: RuleNode, value: unknown, old: unknown, hasOld: boolean, path: string, issues: CelIssue[], budget: { remaining: number }): void {
  if (value === undefined || value === null) return;
  for (const r of node.rules) {
    // A transition rule needs an old value, unless it declared oldSelf optional.
    if (r.rule.usesOldSelf && !hasOld && !r.spec.optionalOldSelf) continue;
    const vars = hasOld ? { self: value, oldSelf: old } : { self: value };
    const field = r.spec.fieldPath ? fieldPathOf(path, r.spec.fieldPath) : path;
    const typeLabel = `"${node.type}"`;
    let ok: boolean;
    try {
      ok = r.rule.run(vars, budget) === true;
    } catch (e) {
      if (budget.remaining <= 0) throw new BudgetExhausted(path);
      const why = e instanceof CelCostError ? `call cost exceeds limit for rule: ${r.spec.rule}` : `${(e as Error).message} evaluating rule: ${r.spec.rule}`;
      issues.push({ field: field || '<root>', reason: 'FieldValueInvalid', message: `Invalid value: ${typeLabel}: ${why}` });
      continue;
    }
    if (ok) continue;
    let message = r.spec.message ?? `failed rule: ${r.spec.rule}`;
    if (r.message) {
      try {
        const m = r.message.run(vars, budget);
        // An empty or failing messageExpression falls back to message, as in Kubernetes.
        if (typeof m === 'string' && m.trim() !== '') message = m;
      } catch {
        if (budget.remaining <= 0) throw new BudgetExhausted(path);
      }
    }
    const reason = r.spec.reason ?? 'FieldValueInvalid';
    const prefix = REASON_PREFIX[reason]!;
    issues.push({
      field: field || '<root>',
      reason,
      message: reason === 'FieldValueInvalid' ? `${prefix}: ${typeLabel}: ${message}` : `${prefix}: ${message}`,
    });
  }
  if (Array.isArray(value)) {
    if (!node.items) return;
    const oldList = hasOld && Array.isArray(old) ? old : undefined;
    const keys = node.listMapKeys;
    value.forEach((item, i) => {
      let oldItem: unknown;
      let found = false;
      // Only list-type=map items have an identity across updates; other lists' items have no oldSelf.
      if (oldList && keys && keys.length > 0 && isRecord(item)) {
        oldItem = oldList.find((o) => isRecord(o) && keys.every((k) => JSON.stringify(o[k]) === JSON.stringify(item[k])));
        found = oldItem !== undefined;
      }
      visit(node.items!, item, oldItem, found, `${path}[${i}]`, issues, budget);
    });
    return;
  }
  if (!isRecord(value)) return;
  const oldObj = hasOld && isRecord(old) ? old : undefined;
  if (node.properties) {
    for (const [key, sub] of node.properties) {
      if (!(key in value)) continue;
      visit(sub, value[key], oldObj?.[key], !!oldObj && key in oldObj, child(path, key), issues, budget);
    }
  }
  if (node.additionalProperties) {
    for (const [key, v] of Object.entries(value)) {
      if (node.properties?.has(key)) continue;
      visit(node.additionalProperties, v, oldObj?.[key], !!oldObj && key in oldObj, child(path, key), issues, budget);
    }
  }
}
