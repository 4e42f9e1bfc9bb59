import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../http/status.js';
import type { UserInfo } from './authn.js';
import { goQuote } from './go-quote.js';
import type { ResourceAttributes } from './rbac.js';

export const IMPERSONATE_USER = 'impersonate-user';
export const IMPERSONATE_GROUP = 'impersonate-group';
export const IMPERSONATE_UID = 'impersonate-uid';
export const IMPERSONATE_EXTRA_PREFIX = 'impersonate-extra-';

const ALL_AUTHENTICATED = 'system:authenticated';
const ALL_UNAUTHENTICATED = 'system:unauthenticated';
const ANONYMOUS = 'system:anonymous';
const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
const AUTHENTICATION_GROUP = 'authentication.k8s.io';

/** The identity a request acts as after impersonation; `uid` and `extra` only as requested. */
export interface ImpersonatedUser extends UserInfo {
  uid?: string;
  extra?: Record<string, string[]>;
  /** Who is impersonating (audit, logs). */
  impersonator: UserInfo;
}

/** Request headers: Node's `req.headersDistinct` (every value of a repeated header), or `req.headers`. */
export type ImpersonationHeaders = IncomingHttpHeaders | Record<string, string[] | undefined>;

/** One impersonation request, as Kubernetes' buildImpersonationRequests builds them (an ObjectReference each). */
interface Requested {
  kind: 'User' | 'ServiceAccount' | 'Group' | 'UserExtra' | 'UID';
  namespace?: string;
  name: string;
  apiVersion?: string;
  /** The extra's key (Kubernetes keeps it in ObjectReference.FieldPath). */
  fieldPath?: string;
}

/** Header values by lower-cased name, every value of a repeated header in order (as Go's http.Header). */
function headerMap(headers: ImpersonationHeaders): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const name = key.toLowerCase();
    map.set(name, [...(map.get(name) ?? []), ...(Array.isArray(value) ? value : [value])]);
  }
  return map;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** serviceaccount.SplitUsername: `system:serviceaccount:<ns>:<name>` with a valid namespace and name, else undefined. */
function splitServiceAccount(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts as [string, string];
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) return undefined;
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) return undefined;
  return { namespace, name };
}

/** url.PathUnescape, keeping the key as sent when it is not valid %-encoding. */
function unescapeExtraKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** Go's `%v` of a []ObjectReference, for the "without impersonating a user" message. */
function describeRequests(requests: Requested[]): string {
  const one = (r: Requested) => `{${[r.kind, r.namespace ?? '', r.name, '', r.apiVersion ?? '', '', r.fieldPath ?? ''].join(' ')}}`;
  return `[${requests.map(one).join(' ')}]`;
}

function buildRequests(headers: Map<string, string[]>): Requested[] {
  const requests: Requested[] = [];
  const user = headers.get(IMPERSONATE_USER)?.[0] ?? '';
  if (user) {
    const sa = splitServiceAccount(user);
    requests.push(sa ? { kind: 'ServiceAccount', namespace: sa.namespace, name: sa.name } : { kind: 'User', name: user });
  }
  const groups = headers.get(IMPERSONATE_GROUP) ?? [];
  for (const group of groups) requests.push({ kind: 'Group', name: group });
  // Kubernetes walks a map (random order); sorted here, so a refusal is the same every time.
  const extraHeaders = [...headers.keys()].filter((h) => h.startsWith(IMPERSONATE_EXTRA_PREFIX)).sort();
  for (const header of extraHeaders) {
    const key = unescapeExtraKey(header.slice(IMPERSONATE_EXTRA_PREFIX.length));
    for (const value of headers.get(header) ?? []) requests.push({ kind: 'UserExtra', apiVersion: `${AUTHENTICATION_GROUP}/v1`, name: value, fieldPath: key });
  }
  const uid = headers.get(IMPERSONATE_UID)?.[0] ?? '';
  if (uid) requests.push({ kind: 'UID', apiVersion: `${AUTHENTICATION_GROUP}/v1`, name: uid });
  if ((groups.length > 0 || extraHeaders.length > 0 || uid) && !user) {
    throw new ApiError(400, 'BadRequest', `requested ${describeRequests(requests)} without impersonating a user`);
  }
  return requests;
}

/** The `impersonate` check one request needs (Kubernetes' actingAsAttributes). */
function attributesOf(r: Requested): ResourceAttributes {
  switch (r.kind) {
    case 'ServiceAccount':
      return { verb: 'impersonate', group: '', resource: 'serviceaccounts', namespace: r.namespace!, name: r.name };
    case 'User':
      return { verb: 'impersonate', group: '', resource: 'users', name: r.name };
    case 'Group':
      return { verb: 'impersonate', group: '', resource: 'groups', name: r.name };
    case 'UserExtra':
      return { verb: 'impersonate', group: AUTHENTICATION_GROUP, resource: 'userextras', subresource: r.fieldPath!, name: r.name };
    case 'UID':
      return { verb: 'impersonate', group: AUTHENTICATION_GROUP, resource: 'uids', name: r.name };
  }
}

/** responsewriters' sanitizer: the forbidden message is HTML-escaped. */
function sanitize(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** responsewriters.Forbidden for a denied impersonation: `users "bob" is forbidden: User "alice" cannot impersonate …`. */
function forbidden(user: UserInfo, a: ResourceAttributes): ApiError {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace ${goQuote(a.namespace)}` : 'at the cluster scope';
  const why = sanitize(`User ${goQuote(user.name)} cannot ${a.verb} resource ${goQuote(resource)} in API group ${goQuote(a.group)} ${scope}`);
  const qualified = a.group ? `${a.resource}.${a.group}` : a.resource;
  return new ApiError(403, 'Forbidden', `${qualified} ${goQuote(a.name ?? '')} is forbidden: ${why}`, { name: a.name ?? '', group: a.group, kind: a.resource });
}

/**
 * Kubernetes' impersonation filter (k8s.io/apiserver `WithImpersonation`): `Impersonate-User` (a
 * `system:serviceaccount:<ns>:<name>` user is a ServiceAccount), `Impersonate-Group` (repeatable),
 * `Impersonate-Uid` and `Impersonate-Extra-<key>` (repeatable; the key %-decoded, lower-cased). Each needs
 * `impersonate` on `users` / `serviceaccounts` (namespaced) / `groups` (core group) or `uids` /
 * `userextras/<key>` (authentication.k8s.io), with the value as resource name, checked through `can` for
 * the authenticated `user` in order: user, groups, extras, uid; the first denial is a 403. Groups, extras
 * or a uid without a user is a 400. The identity acted as has exactly the requested groups (a service
 * account, when none are requested, its two) plus `system:authenticated` unless `system:authenticated` or
 * `system:unauthenticated` is among them (`system:anonymous` gets `system:unauthenticated`). It is never a
 * wildcard identity and keeps the token's logical clusters. Without impersonation headers, `user` itself.
 */
export async function impersonate(user: UserInfo, headers: ImpersonationHeaders, can: (attrs: ResourceAttributes) => Promise<boolean>): Promise<UserInfo> {
  const map = headerMap(headers);
  const requests = buildRequests(map);
  if (requests.length === 0) return user;
  const groupsSpecified = (map.get(IMPERSONATE_GROUP) ?? []).length > 0;
  let name = '';
  let groups: string[] = [];
  let uid: string | undefined;
  const extra: Record<string, string[]> = {};
  for (const r of requests) {
    const attrs = attributesOf(r);
    switch (r.kind) {
      case 'ServiceAccount':
        name = `${SERVICE_ACCOUNT_PREFIX}${r.namespace}:${r.name}`;
        if (!groupsSpecified) groups = ['system:serviceaccounts', `system:serviceaccounts:${r.namespace}`];
        break;
      case 'User':
        name = r.name;
        break;
      case 'Group':
        groups.push(r.name);
        break;
      case 'UserExtra':
        extra[r.fieldPath!] = [...(extra[r.fieldPath!] ?? []), r.name];
        break;
      case 'UID':
        uid = r.name;
        break;
    }
    if (!(await can(attrs))) throw forbidden(user, attrs);
  }
  if (name !== ANONYMOUS) {
    if (!groups.includes(ALL_AUTHENTICATED) && !groups.includes(ALL_UNAUTHENTICATED)) groups.push(ALL_AUTHENTICATED);
  } else if (!groups.includes(ALL_UNAUTHENTICATED)) {
    groups.push(ALL_UNAUTHENTICATED);
  }
  const impersonated: ImpersonatedUser = {
    name,
    groups,
    wildcard: false,
    clusters: user.clusters,
    impersonator: user,
    ...(uid !== undefined ? { uid } : {}),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
  return impersonated;
}
