import { describe, expect, it } from 'vitest';
import { CelCompileError, CelCostError, CelEvalError, compileCel, PER_CALL_STEP_LIMIT, PER_REQUEST_STEP_BUDGET } from './cel.js';
import { compileSchemaRules, evaluateRules } from './validations.js';

const budget = () => ({ remaining: PER_REQUEST_STEP_BUDGET });
const run = (rule: string, self: unknown, oldSelf?: unknown) =>
  compileCel(rule, { expect: 'bool' }).run(oldSelf === undefined ? { self } : { self, oldSelf }, budget());

describe('CEL adapter', () => {
  it('reports compile errors: syntax, unknown functions, wrong result type', () => {
    expect(() => compileCel('self.', { expect: 'bool' })).toThrow(CelCompileError);
    expect(() => compileCel('frobnicate(self)', { expect: 'bool' })).toThrow(/no matching overload for 'frobnicate\(dyn\)'/);
    expect(() => compileCel('1 + 1', { expect: 'bool' })).toThrow(/must evaluate to bool, not int/);
    expect(() => compileCel('undeclared > 1', { expect: 'bool' })).toThrow(CelCompileError);
    expect(compileCel('self.x > 1', { expect: 'bool' }).usesOldSelf).toBe(false);
    expect(compileCel('self == oldSelf', { expect: 'bool' }).usesOldSelf).toBe(true);
    // A string mentioning oldSelf is not a reference.
    expect(compileCel('self.s != "oldSelf"', { expect: 'bool' }).usesOldSelf).toBe(false);
  });

  it('evaluates self and oldSelf over stored JSON (integral numbers are ints)', () => {
    expect(run('self.replicas == 3 && self.ratio > 0.5', { replicas: 3, ratio: 0.75 })).toBe(true);
    expect(run('self == oldSelf', { a: [1, 'x'] }, { a: [1, 'x'] })).toBe(true);
    expect(run('self == oldSelf', 'a', 'b')).toBe(false);
    expect(() => run('self.missing == 1', {})).toThrow(CelEvalError);
  });

  it('has size, has, comprehensions and string functions; matches is RE2', () => {
    const self = { items: [1, 2, 3], name: 'web-01', labels: { app: 'x' } };
    expect(run('size(self.items) == 3 && self.items.size() == 3', self)).toBe(true);
    expect(run('has(self.labels) && !has(self.nothing)', self)).toBe(true);
    expect(run('self.items.all(i, i > 0) && self.items.exists(i, i == 2) && self.items.exists_one(i, i == 3)', self)).toBe(true);
    expect(run('self.items.map(i, i * 2) == [2, 4, 6] && self.items.filter(i, i > 1).size() == 2', self)).toBe(true);
    expect(run('self.name.startsWith("web") && self.name.endsWith("01") && self.name.contains("-")', self)).toBe(true);
    expect(run('self.name.matches("^[a-z]+-[0-9]+$") && !matches(self.name, "^db")', self)).toBe(true);
    expect(() => run('self.name.matches("(")', self)).toThrow(/invalid regular expression/);
    // A classic catastrophic-backtracking pattern is linear under RE2.
    const started = performance.now();
    expect(run('self.s.matches("^(a+)+$")', { s: `${'a'.repeat(5000)}!` })).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('has quantity() and isURL()/url()', () => {
    expect(run('quantity(self.m).isLessThan(quantity("1Gi"))', { m: '512Mi' })).toBe(true);
    expect(run('quantity(self.m).isGreaterThan(quantity("1"))', { m: '1500m' })).toBe(true);
    expect(run('quantity("1k").compareTo(quantity("1000")) == 0 && isQuantity("2Gi") && !isQuantity("2 apples")', {})).toBe(true);
    expect(() => run('quantity(self.m).isLessThan(quantity("1"))', { m: 'lots' })).toThrow(/invalid quantity/);
    expect(run('isURL(self.u) && url(self.u).getScheme() == "https" && url(self.u).getHostname() == "example.com"', { u: 'https://example.com/x' })).toBe(true);
    expect(run('isURL(self.u)', { u: 'not a url' })).toBe(false);
  });

  it('bounds evaluation: a cubic rule over a big list fails fast', () => {
    const rule = compileCel('self.list.all(x, self.list.all(y, self.list.all(z, true)))', { expect: 'bool' });
    // The same rule over a small list is fine (and warms the evaluator up, as a serving process is).
    expect(rule.run({ self: { list: [1, 2, 3] } }, budget())).toBe(true);
    const list = Array.from({ length: 1000 }, (_, i) => i);
    const b = budget();
    // CPU time is the bound's measure; wall time also counts a loaded machine's scheduling.
    const cpu = process.cpuUsage();
    const started = performance.now();
    expect(() => rule.run({ self: { list } }, b)).toThrow(CelCostError);
    const { user, system } = process.cpuUsage(cpu);
    expect((user + system) / 1000).toBeLessThan(100);
    expect(performance.now() - started).toBeLessThan(500);
    expect(b.remaining).toBe(PER_REQUEST_STEP_BUDGET - PER_CALL_STEP_LIMIT);
  });
});

describe('x-kubernetes-validations', () => {
  const schema = {
    type: 'object',
    'x-kubernetes-validations': [{ rule: 'self.spec.min <= self.spec.max', message: 'min must not exceed max' }],
    properties: {
      spec: {
        type: 'object',
        properties: {
          min: { type: 'integer' },
          max: { type: 'integer' },
          id: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'id is immutable' }] },
          name: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() <= 5', messageExpression: '"name too long: " + self' }] },
          ports: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: {
              type: 'object',
              properties: { name: { type: 'string' }, port: { type: 'integer' } },
              'x-kubernetes-validations': [
                { rule: 'self.port > 0', fieldPath: '.port', reason: 'FieldValueForbidden' },
                { rule: 'self.port == oldSelf.port', message: 'port is immutable' },
              ],
            },
          },
        },
      },
    },
  };
  const problems: { field: string; message: string }[] = [];
  const node = compileSchemaRules(schema, 'spec.versions[0].schema.openAPIV3Schema', problems)!;

  it('reports one issue per failing rule, with the node path, message or messageExpression', () => {
    expect(problems).toEqual([]);
    const issues = evaluateRules(node, { spec: { min: 5, max: 1, name: 'toolong', ports: [{ name: 'a', port: 0 }] } }, undefined, false);
    expect(issues).toEqual([
      { field: '<root>', reason: 'FieldValueInvalid', message: 'Invalid value: "object": min must not exceed max' },
      { field: 'spec.name', reason: 'FieldValueInvalid', message: 'Invalid value: "string": name too long: toolong' },
      { field: 'spec.ports[0].port', reason: 'FieldValueForbidden', message: 'Forbidden: failed rule: self.port > 0' },
    ]);
    expect(evaluateRules(node, { spec: { min: 1, max: 5, id: 'x', ports: [{ name: 'a', port: 80 }] } }, undefined, false)).toEqual([]);
  });

  it('evaluates transition rules on updates only, correlating list-type=map items by key', () => {
    const old = { spec: { min: 1, max: 5, id: 'x', ports: [{ name: 'a', port: 80 }] } };
    const changed = evaluateRules(
      node,
      {
        spec: {
          min: 1,
          max: 5,
          id: 'y',
          ports: [
            { name: 'a', port: 81 },
            { name: 'b', port: 9 },
          ],
        },
      },
      old,
      true,
    );
    expect(changed.map((i) => `${i.field}: ${i.message}`)).toEqual([
      'spec.id: Invalid value: "string": id is immutable',
      'spec.ports[0]: Invalid value: "object": port is immutable',
    ]);
  });

  it('runs optionalOldSelf rules on creates too, and rules on additionalProperties values per key', () => {
    const p: { field: string; message: string }[] = [];
    const n = compileSchemaRules(
      {
        type: 'object',
        properties: {
          level: {
            type: 'integer',
            'x-kubernetes-validations': [{ rule: 'oldSelf.hasValue() ? self >= oldSelf.value() : self < 5', optionalOldSelf: true }],
          },
          labels: { type: 'object', additionalProperties: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() < 4', message: 'short' }] } },
        },
      },
      'x',
      p,
    )!;
    expect(p).toEqual([]);
    expect(evaluateRules(n, { level: 7, labels: { ok: 'a', 'bad-key': 'toolong' } }, undefined, false).map((i) => i.field)).toEqual([
      'level',
      'labels[bad-key]',
    ]);
    expect(evaluateRules(n, { level: 3 }, { level: 4 }, true).map((i) => i.field)).toEqual(['level']);
    expect(evaluateRules(n, { level: 9 }, { level: 4 }, true)).toEqual([]);
    // optionalOldSelf without oldSelf in the rule is a CRD error, as in Kubernetes.
    const q: { field: string; message: string }[] = [];
    compileSchemaRules({ type: 'string', 'x-kubernetes-validations': [{ rule: 'self != ""', optionalOldSelf: true }] }, 'x', q);
    expect(q.map((i) => i.field)).toEqual(['x.x-kubernetes-validations[0].optionalOldSelf']);
  });

  it('names the schema path of a rule that does not compile', () => {
    const bad: { field: string; message: string }[] = [];
    compileSchemaRules(
      { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.x ==' }, { rule: 'nope(self)' }] } } },
      'spec.versions[0].schema.openAPIV3Schema',
      bad,
    );
    expect(bad.map((p) => p.field)).toEqual([
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule',
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[1].rule',
    ]);
    expect(bad[1]!.message).toMatch(/compilation failed: found no matching overload for 'nope\(dyn\)'/);
  });

  it('stops at the per-request budget with one clear issue', () => {
    const heavy: { field: string; message: string }[] = [];
    const n = compileSchemaRules(
      { type: 'array', items: { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.l.all(x, self.l.all(y, true))' }] } },
      'x',
      heavy,
    )!;
    const item = { l: Array.from({ length: 300 }, (_, i) => i) };
    const started = performance.now();
    const issues = evaluateRules(
      n,
      Array.from({ length: 50 }, () => item),
      undefined,
      false,
    );
    expect(performance.now() - started).toBeLessThan(500);
    expect(issues.at(-1)?.message).toMatch(/running out of cost budget/);
  });
});
