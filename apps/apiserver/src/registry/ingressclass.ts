import {
  dns1123LabelProblems,
  dns1123SubdomainProblems,
  forbidden,
  type Issue,
  invalid,
  isEmpty,
  isRec,
  notSupported,
  rec,
  regexError,
  required,
} from './field.js';
import type { KubeObject } from './types.js';

/** IngressClass (networking.k8s.io/v1) beyond its schema: defaults and pkg/apis/networking/validation. */

const MAX_CONTROLLER_LENGTH = 250;
const SCOPES = ['Cluster', 'Namespace'];
const HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const HTTP_PATH = new RegExp(`^${HTTP_PATH_FMT}$`);

/** A parameters reference without a scope points at a cluster-scoped resource. */
export function defaultIngressClass(obj: KubeObject): void {
  const params = rec(obj.spec).parameters;
  if (isRec(params) && (params.scope === undefined || params.scope === null)) params.scope = 'Cluster';
}

/** validation.IsDomainPrefixedPath: `example.com/ingress-nginx`. */
function validateController(controller: unknown): Issue[] {
  const field = 'spec.controller';
  if (isEmpty(controller)) return [required(field)];
  if (typeof controller !== 'string') return [];
  const out: Issue[] = [];
  if (controller.length > MAX_CONTROLLER_LENGTH) out.push({ field, message: `Too long: may not be more than ${MAX_CONTROLLER_LENGTH} bytes` });
  const slash = controller.indexOf('/');
  const host = slash < 0 ? controller : controller.slice(0, slash);
  const path = slash < 0 ? '' : controller.slice(slash + 1);
  if (slash < 0 || !host || !path) return [...out, invalid(field, controller, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  out.push(...dns1123SubdomainProblems(host).map((m) => invalid(field, host, m)));
  if (!HTTP_PATH.test(path)) out.push(invalid(field, path, regexError('must be a valid path', HTTP_PATH_FMT)));
  return out;
}

function validateParameters(params: unknown): Issue[] {
  if (!isRec(params)) return [];
  const at = 'spec.parameters';
  const out: Issue[] = [];
  if (isEmpty(params.kind)) out.push(required(`${at}.kind`));
  if (isEmpty(params.name)) out.push(required(`${at}.name`));
  if (typeof params.apiGroup === 'string' && params.apiGroup !== '') {
    out.push(...dns1123SubdomainProblems(params.apiGroup).map((m) => invalid(`${at}.apiGroup`, params.apiGroup, m)));
  }
  const scope = typeof params.scope === 'string' ? params.scope : '';
  if (!SCOPES.includes(scope)) out.push(notSupported(`${at}.scope`, scope, SCOPES));
  if (scope === 'Namespace') {
    if (isEmpty(params.namespace)) out.push(required(`${at}.namespace`, "`parameters.scope` is set to 'Namespace'"));
    else if (typeof params.namespace === 'string') {
      out.push(...dns1123LabelProblems(params.namespace).map((m) => invalid(`${at}.namespace`, params.namespace, m)));
    }
  }
  if (scope === 'Cluster' && params.namespace !== undefined && params.namespace !== null) {
    out.push(forbidden(`${at}.namespace`, "`parameters.scope` is set to 'Cluster'"));
  }
  return out;
}

export function validateIngressClass(obj: KubeObject): Issue[] {
  const spec = rec(obj.spec);
  return [...validateController(spec.controller), ...validateParameters(spec.parameters)];
}

/** PARAMETERS cell: `<kind>[.<apiGroup>]/<name>`, `<none>` without a reference. */
export function ingressClassParameters(obj: KubeObject): string {
  const params = rec(obj.spec).parameters;
  if (!isRec(params)) return '<none>';
  const group = typeof params.apiGroup === 'string' ? `.${params.apiGroup}` : '';
  return `${String(params.kind ?? '')}${group}/${String(params.name ?? '')}`;
}
