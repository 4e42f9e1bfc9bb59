import { errors } from '../http/status.js';
import type { KubeObject } from '../registry/types.js';

export type LabelRequirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'doesnotexist' }
  | { key: string; op: '=' | '!='; values: [string] };

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** Splits on commas that are not inside parentheses. */
function splitTop(input: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(input.slice(start, i));
      start = i + 1;
    }
  }
  out.push(input.slice(start));
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

function checkKey(key: string, raw: string): string {
  if (!KEY.test(key)) throw errors.badRequest(`unable to parse requirement: invalid label key "${key}" in "${raw}"`);
  return key;
}

function checkValue(value: string, raw: string): string {
  if (!VALUE.test(value)) throw errors.badRequest(`unable to parse requirement: invalid label value "${value}" in "${raw}"`);
  return value;
}

/** Parses a Kubernetes label selector (`a=b,c!=d,e in (x,y),f notin (z),g,!h`). Bad syntax is a 400. */
export function parseLabelSelector(input: string | undefined | null): LabelRequirement[] {
  if (!input) return [];
  return splitTop(input).map((raw): LabelRequirement => {
    let m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(raw);
    if (m) {
      const values = m[3]!
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v.length > 0)
        .map((v) => checkValue(v, raw));
      return { key: checkKey(m[1]!, raw), op: m[2] as 'in' | 'notin', values };
    }
    m = /^(\S+?)\s*(==|=|!=)\s*(\S*)$/.exec(raw);
    if (m) {
      const op = m[2] === '!=' ? '!=' : '=';
      return { key: checkKey(m[1]!, raw), op, values: [checkValue(m[3]!, raw)] };
    }
    m = /^!\s*(\S+)$/.exec(raw);
    if (m) return { key: checkKey(m[1]!, raw), op: 'doesnotexist' };
    if (/^\S+$/.test(raw)) return { key: checkKey(raw, raw), op: 'exists' };
    throw errors.badRequest(`unable to parse requirement: "${raw}"`);
  });
}

export function matchesLabels(requirements: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  for (const r of requirements) {
    const has = labels !== undefined && Object.hasOwn(labels, r.key);
    const value = has ? labels[r.key] : undefined;
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case 'doesnotexist':
        if (has) return false;
        break;
      case '=':
        if (value !== r.values[0]) return false;
        break;
      case '!=':
        if (value === r.values[0]) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(value!)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(value!)) return false;
        break;
    }
  }
  return true;
}

/** A structured selector (metav1.LabelSelector) to requirements, e.g. for ResourceQuota scopes or describe. */
export function labelSelectorRequirements(selector: {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}): LabelRequirement[] {
  const out: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) out.push({ key, op: '=', values: [value] });
  for (const e of selector.matchExpressions ?? []) {
    const op = e.operator.toLowerCase();
    if (op === 'in' || op === 'notin') out.push({ key: e.key, op, values: e.values ?? [] });
    else if (op === 'exists') out.push({ key: e.key, op: 'exists' });
    else if (op === 'doesnotexist') out.push({ key: e.key, op: 'doesnotexist' });
  }
  return out;
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Field selectors: `metadata.name=x,metadata.namespace!=y,status.phase=Running,involvedObject.name=z`. */
export function parseFieldSelector(input: string | undefined | null): FieldRequirement[] {
  if (!input) return [];
  return splitTop(input).map((raw) => {
    const m = /^([A-Za-z0-9_.\-[\]]+)\s*(==|=|!=)\s*(.*)$/.exec(raw);
    if (!m) throw errors.badRequest(`invalid field selector: "${raw}"`);
    return { field: m[1]!, op: m[2] === '!=' ? '!=' : '=', value: m[3]!.trim() };
  });
}

function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}

export function matchesFields(requirements: FieldRequirement[], obj: KubeObject): boolean {
  for (const r of requirements) {
    const v = fieldValue(obj, r.field);
    if (r.op === '=' ? v !== r.value : v === r.value) return false;
  }
  return true;
}
