import { compareQuantities, parseQuantity, type Quantity } from '@atrium/core';
import { Environment, Optional } from '@marcbachmann/cel-js';
import { RE2JS } from 're2js';

/**
 * The one module that knows the CEL library (`@marcbachmann/cel-js`): compiling,
 * evaluating with a step bound, and the Kubernetes extension functions. Everything
 * else in the server sees only `compileCel`, `CelProgram` and the error classes, so
 * the library can be swapped here alone.
 */

/** A rule or message expression that does not parse, type-check or names an unknown function. */
export class CelCompileError extends Error {
  override name = 'CelCompileError';
}

/** An evaluation error (no such key, bad overload at run time, invalid regex…). */
export class CelEvalError extends Error {
  override name = 'CelEvalError';
}

/** The evaluation ran out of its step budget. */
export class CelCostError extends Error {
  override name = 'CelCostError';
}

/**
 * Steps left for evaluations. One step is one evaluated expression node (each
 * comprehension iteration evaluates at least one), 0.1–0.3 µs here (more on a loaded
 * machine), so a request's 250,000 steps stay near 100 ms at worst. Typical rules take tens of
 * steps per evaluation; one over a 1,000-item list a few thousand. Shared by all rules of one request, as kube-apiserver's
 * per-request cost budget is.
 */
export interface CelBudget {
  remaining: number;
}

/** Per-expression bound, as Kubernetes' per-call cost limit: no single rule can use the whole budget. */
export const PER_CALL_STEP_LIMIT = 50_000;
/** Per-request bound over every rule evaluated for one object. */
export const PER_REQUEST_STEP_BUDGET = 250_000;

export interface CelProgram {
  readonly source: string;
  /** Whether the expression reads `oldSelf` (a transition rule). */
  readonly usesOldSelf: boolean;
  /** Evaluates with `self` (and `oldSelf`); values are JSON as stored. Throws the error classes above. */
  run(vars: { self: unknown; oldSelf?: unknown }, budget: CelBudget): unknown;
}

// --- Kubernetes extension types -------------------------------------------------------------

class CelQuantity {
  constructor(readonly q: Quantity) {}
}

class CelUrl {
  constructor(readonly u: URL) {}
}

const regexCache = new Map<string, RE2JS>();
function re2(pattern: string): RE2JS {
  let re = regexCache.get(pattern);
  if (!re) {
    try {
      re = RE2JS.compile(pattern);
    } catch (e) {
      throw new CelEvalError(`invalid regular expression "${pattern}": ${(e as Error).message}`);
    }
    // Bounded: patterns come from CRDs and requests, the cache must not grow without end.
    if (regexCache.size >= 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

function quantity(text: string): CelQuantity {
  try {
    return new CelQuantity(parseQuantity(text));
  } catch (e) {
    throw new CelEvalError(`invalid quantity "${text}": ${(e as Error).message}`);
  }
}

function parseUrl(text: string): URL | undefined {
  // Go's url.ParseRequestURI (what Kubernetes' isURL uses) wants an absolute URL; so does WHATWG's.
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

// The library runs every node through its evaluator's `run`; counting there bounds any
// expression, comprehensions included, without the library having a cost model of its own.
// Evaluation is synchronous (no async functions are registered), so module state is safe.
let stepsLeft = Number.POSITIVE_INFINITY;
let stepsUsed = 0;

function createEnvironment(optionalOldSelf: boolean): Environment {
  const env = new Environment({ unlistedVariablesAreDyn: false, enableOptionalTypes: true, homogeneousAggregateLiterals: false });
  env.registerVariable('self', 'dyn');
  // Typed as an optional (not a dyn holding one): the engine's overload lookup on `oldSelf.value()`
  // compared with an int throws otherwise.
  env.registerVariable('oldSelf', optionalOldSelf ? 'optional<dyn>' : 'dyn');
  env.registerType('Quantity', CelQuantity);
  env.registerType('URL', CelUrl);
  // The library's own `matches` uses JavaScript's backtracking RegExp; rules are rewritten to this
  // RE2 one (linear time) before type-checking, see `rewriteMatches`.
  env.registerFunction('string.__re2matches(string): bool', (s: string, p: string) => re2(p).matcher(s).find());
  env.registerFunction('__re2matches(string, string): bool', (s: string, p: string) => re2(p).matcher(s).find());
  env.registerFunction('quantity(string): Quantity', quantity);
  env.registerFunction('isQuantity(string): bool', (s: string) => {
    try {
      parseQuantity(s);
      return true;
    } catch {
      return false;
    }
  });
  env.registerFunction('Quantity.isLessThan(Quantity): bool', (a: CelQuantity, b: CelQuantity) => compareQuantities(a.q, b.q) < 0);
  env.registerFunction('Quantity.isGreaterThan(Quantity): bool', (a: CelQuantity, b: CelQuantity) => compareQuantities(a.q, b.q) > 0);
  env.registerFunction('Quantity.compareTo(Quantity): int', (a: CelQuantity, b: CelQuantity) => BigInt(compareQuantities(a.q, b.q)));
  env.registerFunction('Quantity.sign(): int', (a: CelQuantity) => BigInt(a.q.numerator === 0n ? 0 : a.q.numerator < 0n ? -1 : 1));
  env.registerFunction('Quantity.isInteger(): bool', (a: CelQuantity) => a.q.denominator === 1n);
  env.registerFunction('Quantity.asInteger(): int', (a: CelQuantity) => {
    if (a.q.denominator !== 1n) throw new CelEvalError('quantity is not an integer');
    return a.q.numerator;
  });
  env.registerFunction('Quantity.asApproximateFloat(): double', (a: CelQuantity) => Number(a.q.numerator) / Number(a.q.denominator));
  env.registerFunction('isURL(string): bool', (s: string) => parseUrl(s) !== undefined);
  env.registerFunction('url(string): URL', (s: string) => {
    const u = parseUrl(s);
    if (!u) throw new CelEvalError(`URL parse error: ${s}`);
    return new CelUrl(u);
  });
  env.registerFunction('URL.getScheme(): string', (u: CelUrl) => u.u.protocol.replace(/:$/, ''));
  env.registerFunction('URL.getHost(): string', (u: CelUrl) => u.u.host);
  env.registerFunction('URL.getHostname(): string', (u: CelUrl) => u.u.hostname.replace(/^\[(.*)\]$/, '$1'));
  env.registerFunction('URL.getPort(): string', (u: CelUrl) => u.u.port);
  env.registerFunction('URL.getEscapedPath(): string', (u: CelUrl) => u.u.pathname);
  let evaluator: { run(ast: unknown, ctx: unknown): unknown } | undefined;
  env.registerFunction('__atriumEvaluator(): bool', function (this: typeof evaluator) {
    evaluator = this;
    return true;
  });
  env.evaluate('__atriumEvaluator()', {});
  if (!evaluator || typeof evaluator.run !== 'function') throw new Error('cel: cannot install the step counter (library changed?)');
  const run = evaluator.run.bind(evaluator);
  evaluator.run = (ast, ctx) => {
    if (--stepsLeft < 0) throw new CelCostError('call cost exceeds limit');
    stepsUsed++;
    return run(ast, ctx);
  };
  return env;
}

const env = createEnvironment(false);
const optionalEnv = createEnvironment(true);

interface AstNode {
  op: string;
  args: unknown;
}
const isNode = (v: unknown): v is AstNode => typeof v === 'object' && v !== null && typeof (v as AstNode).op === 'string';

/** Visits every node of a parsed expression (the AST is a tree of `{op, args}`; args nest nodes in arrays). */
function walk(v: unknown, visit: (n: AstNode) => void, depth = 0): void {
  if (depth > 500) return;
  if (Array.isArray(v)) {
    for (const x of v) walk(x, visit, depth + 1);
    return;
  }
  if (!isNode(v)) return;
  visit(v);
  if (typeof v.args === 'object' && v.args !== null) {
    if (Array.isArray(v.args) || isNode(v.args)) walk(v.args, visit, depth + 1);
    // Comprehensions carry their parts in a plain object (iterable, step, …).
    else for (const x of Object.values(v.args)) walk(x, visit, depth + 1);
  }
}

function rewriteMatches(ast: unknown): void {
  walk(ast, (n) => {
    if ((n.op === 'rcall' || n.op === 'call') && Array.isArray(n.args) && n.args[0] === 'matches') n.args[0] = '__re2matches';
  });
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  // The library appends a source excerpt after the first line; keep it short for a Status message.
  return msg.split('\n')[0]!.trim();
}

/** JSON as stored → CEL values: integral numbers are CEL ints (BigInt), so `self.replicas == 3` holds. */
function toCel(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(toCel);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toCel(x);
    return out;
  }
  return v;
}

/** CEL result → JSON-ish JS (BigInt → number). */
function fromCel(v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}

/**
 * Compiles one expression: parse, rewrite `matches` to RE2, type-check with `self`
 * and `oldSelf` declared dynamic. `expect` is the result type the caller needs
 * (`bool` for rules, `string` for message expressions); dyn results are accepted and
 * checked at run time.
 */
export function compileCel(source: string, o: { expect: 'bool' | 'string'; optionalOldSelf?: boolean }): CelProgram {
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = (o.optionalOldSelf ? optionalEnv : env).parse(source);
  } catch (e) {
    throw new CelCompileError(firstLine(e));
  }
  rewriteMatches(parsed.ast);
  const checked = parsed.check();
  if (!checked.valid) throw new CelCompileError(firstLine(checked.error).replaceAll('__re2matches', 'matches'));
  if (checked.type !== o.expect && checked.type !== 'dyn') throw new CelCompileError(`must evaluate to ${o.expect}, not ${checked.type}`);
  let usesOldSelf = false;
  walk(parsed.ast, (n) => {
    if (n.op === 'id' && n.args === 'oldSelf') usesOldSelf = true;
  });
  const optional = !!o.optionalOldSelf;
  return {
    source,
    usesOldSelf,
    run(vars, budget) {
      const limit = Math.min(PER_CALL_STEP_LIMIT, budget.remaining);
      stepsLeft = limit;
      stepsUsed = 0;
      const ctx: Record<string, unknown> = { self: toCel(vars.self) };
      if (optional) ctx.oldSelf = vars.oldSelf === undefined ? Optional.none() : Optional.of(toCel(vars.oldSelf));
      else if (vars.oldSelf !== undefined) ctx.oldSelf = toCel(vars.oldSelf);
      try {
        const result = parsed(ctx);
        if (o.expect === 'bool' && typeof result !== 'boolean') throw new CelEvalError(`rule evaluated to ${typeof result}, not bool`);
        if (o.expect === 'string' && typeof result !== 'string') throw new CelEvalError(`messageExpression evaluated to ${typeof result}, not string`);
        return fromCel(result);
      } catch (e) {
        if (e instanceof CelCostError || e instanceof CelEvalError) throw e;
        // Functions' own errors arrive wrapped by the library; keep the class of ours.
        const cause = (e as { cause?: unknown }).cause;
        if (cause instanceof CelCostError) throw cause;
        if (stepsLeft < 0) throw new CelCostError('call cost exceeds limit');
        throw new CelEvalError(firstLine(e).replaceAll('__re2matches', 'matches'));
      } finally {
        budget.remaining -= stepsUsed;
        stepsLeft = Number.POSITIVE_INFINITY;
      }
    },
  };
}
