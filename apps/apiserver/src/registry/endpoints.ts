import { isIP, isIPv4, isIPv6 } from 'node:net';
import {
  arr,
  dns1123LabelProblems,
  dns1123SubdomainProblems,
  duplicate,
  type Issue,
  invalid,
  isInt,
  isRec,
  listWithMore,
  notSupported,
  qualifiedNameProblems,
  type Rec,
  rec,
  required,
  tooMany,
} from './field.js';
import type { KubeObject } from './types.js';

/**
 * Core v1 Endpoints and discovery.k8s.io/v1 EndpointSlice beyond their
 * schemas: defaults (ports' protocol TCP, a slice port's empty name),
 * pkg/apis/core/validation and pkg/apis/discovery/validation, and the cells of
 * `kubectl get endpoints|endpointslices`.
 */

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const MAX_SLICE_ENDPOINTS = 1000;
const MAX_SLICE_ADDRESSES = 100;
const MAX_SLICE_PORTS = 20000;

export function defaultEndpoints(obj: KubeObject): void {
  for (const subset of arr(obj.subsets)) {
    for (const port of arr(rec(subset).ports)) if (isRec(port) && (port.protocol === undefined || port.protocol === '')) port.protocol = 'TCP';
  }
}

export function defaultEndpointSlice(obj: KubeObject): void {
  for (const port of arr(obj.ports)) {
    if (!isRec(port)) continue;
    if (port.name === undefined || port.name === null) port.name = '';
    if (port.protocol === undefined || port.protocol === null) port.protocol = 'TCP';
  }
}

/** Bytes of a parsed IPv4/IPv6 address (IPv4-mapped IPv6 as IPv4), for the special-range checks. */
function ipv4Bytes(ip: string): number[] {
  return ip.split('.').map((p) => Number.parseInt(p, 10));
}

/** ValidateEndpointIP / ValidateNonSpecialIP: no unspecified, loopback or link-local endpoint addresses. */
function specialIpProblems(ip: string): string[] {
  const out: string[] = [];
  const lower = ip.toLowerCase();
  const mapped = lower.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/)?.[1];
  if (isIPv4(ip) || mapped) {
    const [a, b, c, d] = ipv4Bytes(mapped ?? ip) as [number, number, number, number];
    if (a === 0 && b === 0 && c === 0 && d === 0) out.push(`may not be unspecified (${ip})`);
    if (a === 127) out.push('may not be in the loopback range (127.0.0.0/8, ::1/128)');
    if (a === 169 && b === 254) out.push('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
    if (a === 224 && b === 0 && c === 0) out.push('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
    return out;
  }
  const expanded = expandIPv6(lower);
  if (/^0+$/.test(expanded)) out.push(`may not be unspecified (${ip})`);
  if (/^0{31}1$/.test(expanded)) out.push('may not be in the loopback range (127.0.0.0/8, ::1/128)');
  if (/^fe[89ab]/.test(expanded)) out.push('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
  if (/^ff[0-9a-f]2/.test(expanded)) out.push('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
  return out;
}

/** 32 hex digits of a valid IPv6 address (embedded IPv4 tails converted). */
function expandIPv6(ip: string): string {
  let text = ip;
  const v4 = text.match(/(\d+\.\d+\.\d+\.\d+)$/)?.[1];
  if (v4) {
    const [a, b, c, d] = ipv4Bytes(v4) as [number, number, number, number];
    text = `${text.slice(0, -v4.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => g.padStart(4, '0')).join('');
}

function validateEndpointAddress(address: unknown, at: string): Issue[] {
  const a = rec(address);
  const out: Issue[] = [];
  const ip = a.ip;
  if (typeof ip === 'string') {
    if (!isIP(ip)) out.push(invalid(`${at}.ip`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
    else out.push(...specialIpProblems(ip).map((m) => invalid(`${at}.ip`, ip, m)));
  }
  if (typeof a.hostname === 'string' && a.hostname !== '') out.push(...dns1123LabelProblems(a.hostname).map((m) => invalid(`${at}.hostname`, a.hostname, m)));
  if (typeof a.nodeName === 'string') out.push(...dns1123SubdomainProblems(a.nodeName).map((m) => invalid(`${at}.nodeName`, a.nodeName, m)));
  return out;
}

function validatePortFields(port: Rec, at: string): Issue[] {
  const out: Issue[] = [];
  if (port.protocol === undefined || port.protocol === null || port.protocol === '') out.push(required(`${at}.protocol`));
  else if (!PROTOCOLS.includes(port.protocol as string)) out.push(notSupported(`${at}.protocol`, port.protocol, PROTOCOLS));
  if (typeof port.appProtocol === 'string') {
    out.push(...qualifiedNameProblems(port.appProtocol).map((m) => invalid(`${at}.appProtocol`, port.appProtocol, m)));
  }
  return out;
}
export function validateEndpoints(obj: KubeObject): Issue[] {
  const out: Issue[] = [];
  for (const [i, subset] of arr(obj.subsets).entries()) {
    const s = rec(subset);
    const at = `subsets[${i}]`;
    const addresses = arr(s.addresses);
    const notReady = arr(s.notReadyAddresses);
    if (addresses.length === 0 && notReady.length === 0) out.push(required(at, 'must specify `addresses` or `notReadyAddresses`'));
    for (const [j, a] of addresses.entries()) out.push(...validateEndpointAddress(a, `${at}.addresses[${j}]`));
    for (const [j, a] of notReady.entries()) out.push(...validateEndpointAddress(a, `${at}.notReadyAddresses[${j}]`));
    const ports = arr(s.ports);
    for (const [j, port] of ports.entries()) {
      const p = rec(port);
      const pat = `${at}.ports[${j}]`;
      // Several ports of one subset are told apart by name.
      if (ports.length > 1 && (p.name === undefined || p.name === '')) out.push(required(`${pat}.name`));
      else if (typeof p.name === 'string' && p.name !== '') out.push(...dns1123LabelProblems(p.name).map((m) => invalid(`${pat}.name`, p.name, m)));
      if (isInt(p.port) && (p.port < 1 || p.port > 65535)) out.push(invalid(`${pat}.port`, p.port, 'must be between 1 and 65535, inclusive'));
      out.push(...validatePortFields(p, pat));
    }
  }
  return out;
}

function sliceAddressProblems(addressType: unknown, address: string): string[] {
  switch (addressType) {
    case 'IPv4':
      return isIPv4(address) ? specialIpProblems(address) : ['must be a valid IPv4 address'];
    case 'IPv6':
      return isIPv6(address) ? specialIpProblems(address) : ['must be a valid IPv6 address'];
    case 'FQDN':
      return address.length > 253 ? ['must be no more than 253 characters'] : dns1123SubdomainProblems(address.replace(/\.$/, ''));
    default:
      return [];
  }
}

export function validateEndpointSlice(obj: KubeObject): Issue[] {
  const out: Issue[] = [];
  const type = obj.addressType;
  if (type === undefined || type === null || type === '') out.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(type as string)) out.push(notSupported('addressType', type, ADDRESS_TYPES));
  const endpoints = arr(obj.endpoints);
  if (endpoints.length > MAX_SLICE_ENDPOINTS) out.push(tooMany('endpoints', endpoints.length, MAX_SLICE_ENDPOINTS));
  else {
    for (const [i, endpoint] of endpoints.entries()) {
      const e = rec(endpoint);
      const at = `endpoints[${i}]`;
      const addresses = arr(e.addresses);
      if (addresses.length === 0) out.push(required(`${at}.addresses`, 'must contain at least 1 address'));
      else if (addresses.length > MAX_SLICE_ADDRESSES) out.push(tooMany(`${at}.addresses`, addresses.length, MAX_SLICE_ADDRESSES));
      for (const [j, a] of addresses.entries()) {
        if (typeof a === 'string') out.push(...sliceAddressProblems(type, a).map((m) => invalid(`${at}.addresses[${j}]`, a, m)));
      }
      if (typeof e.nodeName === 'string') out.push(...dns1123SubdomainProblems(e.nodeName).map((m) => invalid(`${at}.nodeName`, e.nodeName, m)));
      if (typeof e.hostname === 'string') out.push(...dns1123LabelProblems(e.hostname).map((m) => invalid(`${at}.hostname`, e.hostname, m)));
    }
  }
  const ports = arr(obj.ports);
  if (ports.length > MAX_SLICE_PORTS) return [...out, tooMany('ports', ports.length, MAX_SLICE_PORTS)];
  const names = new Set<string>();
  for (const [i, port] of ports.entries()) {
    const p = rec(port);
    const at = `ports[${i}]`;
    const name = typeof p.name === 'string' ? p.name : '';
    if (name) out.push(...dns1123LabelProblems(name).map((m) => invalid(`${at}.name`, name, m)));
    if (names.has(name)) out.push(duplicate(`${at}.name`, name));
    names.add(name);
    out.push(...validatePortFields(p, at));
  }
  return out;
}

/** ENDPOINTS cell of `kubectl get endpoints`: `ip:port` per address and port, at most three. */
export function endpointsCell(obj: KubeObject): string {
  const subsets = arr(obj.subsets);
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  for (const subset of subsets) {
    const s = rec(subset);
    const ips = arr(s.addresses).map((a) => String(rec(a).ip ?? ''));
    const ports = arr(s.ports);
    // Headless services may have endpoints without ports.
    if (ports.length === 0) list.push(...ips);
    for (const port of ports) {
      const n = String(rec(port).port ?? 0);
      list.push(...ips.map((ip) => (ip.includes(':') ? `[${ip}]:${n}` : `${ip}:${n}`)));
    }
  }
  return listWithMore(list, '');
}

/** PORTS cell of `kubectl get endpointslices`: numbers (or names), `*` for "all ports". */
export function endpointSlicePorts(obj: KubeObject): string {
  const ports = arr(obj.ports).map((port) => {
    const p = rec(port);
    if (isInt(p.port)) return String(p.port);
    return typeof p.name === 'string' ? p.name : '*';
  });
  return listWithMore(ports, '<unset>');
}

/** ENDPOINTS cell of `kubectl get endpointslices`: every endpoint's addresses, at most three. */
export function endpointSliceAddresses(obj: KubeObject): string {
  return listWithMore(
    arr(obj.endpoints).flatMap((e) => arr(rec(e).addresses).map(String)),
    '<unset>',
  );
}
