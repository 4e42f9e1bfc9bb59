/**
 * apimachinery's field.Error wording and the small validators many kinds share
 * (k8s.io/apimachinery/pkg/util/validation, metav1 label selectors), so a 422
 * from any built-in kind reads as kube-apiserver's would.
 */

export type Issue = { field: string; message: string };
export type Rec = Record<string, unknown>;

export const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
export const rec = (v: unknown): Rec => (isRec(v) ? v : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
export const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

// Go's field.Error rendering: strings quoted, numbers and booleans bare.
const shown = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
const quotedList = (values: string[]) => values.map((s) => JSON.stringify(s)).join(', ');

export const required = (field: string, detail = ''): Issue => ({ field, message: detail ? `Required value: ${detail}` : 'Required value' });
export const invalid = (field: string, value: unknown, detail: string): Issue => ({ field, message: `Invalid value: ${shown(value)}: ${detail}` });
export const forbidden = (field: string, detail: string): Issue => ({ field, message: `Forbidden: ${detail}` });
export const notSupported = (field: string, value: unknown, supported: string[]): Issue => ({
  field,
  message: `Unsupported value: ${shown(value)}: supported values: ${quotedList(supported)}`,
});
export const duplicate = (field: string, value: unknown): Issue => ({ field, message: `Duplicate value: ${shown(value)}` });
export const tooMany = (field: string, actual: number, max: number): Issue => ({ field, message: `Too many: ${actual}: must have at most ${max} items` });

/** validation.RegexError: the message, examples and the regex Kubernetes prints. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

export function dns1123LabelProblems(value: string): string[] {
  const out: string[] = [];
  if (value.length > 63) out.push('must be no more than 63 characters');
  if (!DNS1123_LABEL.test(value)) {
    out.push(
      regexError(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        DNS1123_LABEL_FMT,
        'my-name',
        '123-abc',
      ),
    );
  }
  return out;
}

export function dns1123SubdomainProblems(value: string): string[] {
  const out: string[] = [];
  if (value.length > 253) out.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(value)) {
    out.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        DNS1123_SUBDOMAIN_FMT,
        'example.com',
      ),
    );
  }
  return out;
}

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const QUALIFIED_NAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** validation.IsQualifiedName: `[prefix/]name`, as label keys and appProtocols are. */
export function qualifiedNameProblems(value: string): string[] {
  const parts = value.split('/');
  let name = value;
  const out: string[] = [];
  if (parts.length === 2) {
    const [prefix, rest] = parts as [string, string];
    name = rest;
    if (prefix.length === 0) out.push('prefix part must be non-empty');
    else out.push(...dns1123SubdomainProblems(prefix).map((m) => `prefix part ${m}`));
  } else if (parts.length > 2) {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) out.push('name part must be non-empty');
  else if (name.length > 63) out.push('name part must be no more than 63 characters');
  if (name.length > 0 && !QUALIFIED_NAME.test(name)) {
    out.push(`name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return out;
}

const LABEL_VALUE_FMT = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';
const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FMT}$`);

export function labelValueProblems(value: string): string[] {
  const out: string[] = [];
  if (value.length > 63) out.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(value)) {
    out.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FMT,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  }
  return out;
}

/** metav1validation.ValidateLabelSelector (labels and expressions; ill-typed parts are the schema's). */
export function validateLabelSelector(selector: unknown, path: string): Issue[] {
  if (!isRec(selector)) return [];
  const out: Issue[] = [];
  for (const [i, expr] of arr(selector.matchExpressions).entries()) {
    const e = rec(expr);
    const at = `${path}.matchExpressions[${i}]`;
    const values = arr(e.values);
    if (e.operator === 'In' || e.operator === 'NotIn') {
      if (values.length === 0) out.push(required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
      if (values.length > 0) out.push(forbidden(`${at}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      out.push(invalid(`${at}.operator`, e.operator ?? '', 'not a valid selector operator'));
    }
    if (typeof e.key === 'string') out.push(...qualifiedNameProblems(e.key).map((m) => invalid(`${at}.key`, e.key, m)));
    for (const [j, v] of values.entries()) {
      if (typeof v === 'string') out.push(...labelValueProblems(v).map((m) => invalid(`${at}.values[${j}]`, v, m)));
    }
  }
  for (const [k, v] of Object.entries(rec(selector.matchLabels))) {
    out.push(...qualifiedNameProblems(k).map((m) => invalid(`${path}.matchLabels`, k, m)));
    if (typeof v === 'string') out.push(...labelValueProblems(v).map((m) => invalid(`${path}.matchLabels`, v, m)));
  }
  return out;
}

/** metav1.FormatLabelSelector: requirements sorted by key, set values sorted; empty is `<none>`. */
export function formatLabelSelector(selector: unknown): string {
  if (!isRec(selector)) return '<none>';
  const reqs: [string, string][] = Object.entries(rec(selector.matchLabels)).map(([k, v]) => [k, `${k}=${String(v)}`]);
  for (const expr of arr(selector.matchExpressions)) {
    const e = rec(expr);
    const key = String(e.key ?? '');
    const values = arr(e.values).map(String).sort().join(',');
    if (e.operator === 'In') reqs.push([key, `${key} in (${values})`]);
    else if (e.operator === 'NotIn') reqs.push([key, `${key} notin (${values})`]);
    else if (e.operator === 'Exists') reqs.push([key, key]);
    else if (e.operator === 'DoesNotExist') reqs.push([key, `!${key}`]);
    else return '<error>';
  }
  const text = reqs
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((r) => r[1])
    .join(',');
  return text || '<none>';
}

/** The `a,b,c + N more...` cells of kubectl's list printers (at most three shown). */
export function listWithMore(items: string[], empty: string): string {
  const max = 3;
  if (items.length > max) return `${items.slice(0, max).join(',')} + ${items.length - max} more...`;
  return items.length ? items.join(',') : empty;
}
