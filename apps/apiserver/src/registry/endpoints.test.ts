import { describe, expect, it } from 'vitest';
import {
  defaultEndpointSlice,
  defaultEndpoints,
  endpointSliceAddresses,
  endpointSlicePorts,
  endpointsCell,
  validateEndpointSlice,
  validateEndpoints,
} from './endpoints.js';
import { formatLabelSelector } from './field.js';
import type { KubeObject } from './types.js';

const ep = (subsets: unknown[]): KubeObject => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' }, subsets });
const slice = (fields: Record<string, unknown>): KubeObject => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-1' },
  ...fields,
});
const messages = (issues: { field: string; message: string }[]) => issues.map((i) => `${i.field}: ${i.message}`);

describe('Endpoints', () => {
  it('defaults port protocols to TCP and accepts ordinary subsets', () => {
    const obj = ep([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }]);
    defaultEndpoints(obj);
    expect(obj.subsets).toEqual([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80, protocol: 'TCP' }] }]);
    expect(validateEndpoints(obj)).toEqual([]);
  });

  it('refuses empty subsets, special or malformed IPs, unnamed ports among several, bad ports', () => {
    expect(
      messages(
        validateEndpoints(
          ep([
            {},
            {
              addresses: [{ ip: '127.0.0.1' }, { ip: 'nope' }],
              ports: [
                { port: 80, protocol: 'TCP' },
                { name: 'b', port: 0, protocol: 'ICMP' },
              ],
            },
          ]),
        ),
      ),
    ).toEqual([
      'subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`',
      'subsets[1].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      'subsets[1].addresses[1].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      'subsets[1].ports[0].name: Required value',
      'subsets[1].ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'subsets[1].ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    ]);
    expect(messages(validateEndpoints(ep([{ addresses: [{ ip: 'fe80::1' }, { ip: '::' }] }])))).toEqual([
      'subsets[0].addresses[0].ip: Invalid value: "fe80::1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
      'subsets[0].addresses[1].ip: Invalid value: "::": may not be unspecified (::)',
    ]);
  });

  it('prints ip:port pairs, three at most', () => {
    expect(endpointsCell(ep([]))).toBe('<none>');
    expect(endpointsCell(ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: '2001:db8::1' }], ports: [{ port: 80 }] }]))).toBe('10.0.0.1:80,[2001:db8::1]:80');
    expect(endpointsCell(ep([{ addresses: [1, 2, 3, 4].map((i) => ({ ip: `10.0.0.${i}` })), ports: [{ port: 80 }] }]))).toBe(
      '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...',
    );
    expect(endpointsCell(ep([{ addresses: [{ ip: '10.0.0.1' }] }]))).toBe('10.0.0.1');
  });
});

describe('EndpointSlice', () => {
  it('defaults port name and protocol, and accepts an ordinary slice', () => {
    const obj = slice({ addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ port: 80 }] });
    defaultEndpointSlice(obj);
    expect(obj.ports).toEqual([{ port: 80, name: '', protocol: 'TCP' }]);
    expect(validateEndpointSlice(obj)).toEqual([]);
  });

  it('requires a known addressType and addresses of that type', () => {
    expect(messages(validateEndpointSlice(slice({})))).toEqual(['addressType: Required value']);
    expect(messages(validateEndpointSlice(slice({ addressType: 'IPv5' })))).toEqual([
      'addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"',
    ]);
    expect(
      messages(validateEndpointSlice(slice({ addressType: 'IPv4', endpoints: [{ addresses: [] }, { addresses: ['2001:db8::1', '169.254.1.1'] }] }))),
    ).toEqual([
      'endpoints[0].addresses: Required value: must contain at least 1 address',
      'endpoints[1].addresses[0]: Invalid value: "2001:db8::1": must be a valid IPv4 address',
      'endpoints[1].addresses[1]: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
    ]);
    expect(validateEndpointSlice(slice({ addressType: 'FQDN', endpoints: [{ addresses: ['web.example.com'] }] }))).toEqual([]);
  });

  it('refuses duplicate port names and unknown protocols', () => {
    expect(
      messages(
        validateEndpointSlice(
          slice({
            addressType: 'IPv6',
            ports: [
              { name: 'http', port: 80, protocol: 'TCP' },
              { name: 'http', port: 81, protocol: 'ICMP' },
            ],
          }),
        ),
      ),
    ).toEqual(['ports[1].name: Duplicate value: "http"', 'ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"']);
  });

  it('prints ports and addresses as kubectl does', () => {
    const obj = slice({
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3', '10.0.0.4'] }],
      ports: [{ port: 80 }, { name: 'dns' }],
    });
    expect(endpointSlicePorts(obj)).toBe('80,dns');
    expect(endpointSliceAddresses(obj)).toBe('10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...');
    expect([endpointSlicePorts(slice({})), endpointSliceAddresses(slice({}))]).toEqual(['<unset>', '<unset>']);
  });
});

describe('label selector cell (NetworkPolicy POD-SELECTOR)', () => {
  it('prints requirements sorted by key, `<none>` for the empty selector', () => {
    expect(formatLabelSelector({})).toBe('<none>');
    expect(
      formatLabelSelector({
        matchLabels: { tier: 'web', app: 'shop' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'dev'] },
          { key: 'zz', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=shop,env in (dev,prod),tier=web,!zz');
  });
});
