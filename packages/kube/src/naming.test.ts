import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { buildKubeconfig } from './kubeconfig.js';
import {
  clusterUrl,
  isDns1123Label,
  kcpPath,
  parentPath,
  parseKcpPath,
  platformWorkspaceTypeName,
  templateWorkspaceType,
  workspaceTypeName,
} from './naming.js';

describe('kcp naming', () => {
  it.each([
    ['dev', true],
    ['a', true],
    ['team-1', true],
    ['Dev', false],
    ['-dev', false],
    ['dev-', false],
    ['', false],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['dev.prod', false],
  ])('isDns1123Label(%j) = %s', (value, expected) => {
    expect(isDns1123Label(value)).toBe(expected);
  });

  it('builds and parses paths', () => {
    expect(kcpPath(['acme', 'payments', 'dev'])).toBe('root:acme:payments:dev');
    expect(parseKcpPath('root:acme:dev')).toEqual(['root', 'acme', 'dev']);
    expect(() => kcpPath(['Acme'])).toThrow(/not a valid path segment/);
    expect(() => parseKcpPath('acme:dev')).toThrow(/must start with root/);
    expect(parentPath('root:acme:dev')).toBe('root:acme');
    expect(parentPath('root')).toBeUndefined();
    expect(clusterUrl('http://h:1/', 'root:a')).toBe('http://h:1/clusters/root:a');
  });

  it('writes a kubeconfig that client-node reads back', () => {
    const yaml = buildKubeconfig({ server: 'http://127.0.0.1:6443/clusters/root:acme:dev', token: 't0ken', contextName: 'acme-dev' });
    const kc = new KubeConfig();
    kc.loadFromString(yaml);
    expect(kc.getCurrentContext()).toBe('acme-dev');
    expect(kc.getCurrentCluster()?.server).toBe('http://127.0.0.1:6443/clusters/root:acme:dev');
    expect(kc.getCurrentUser()?.token).toBe('t0ken');
  });
});

describe('workspaceTypeName', () => {
  it('is atrium-<org>-<template> when that fits a DNS label', () => {
    expect(workspaceTypeName('acme', 'production')).toBe('atrium-acme-production');
  });
  it('cuts an over-long name to 63 characters and keeps distinct templates distinct', () => {
    const org = 'a'.repeat(40);
    const a = workspaceTypeName(org, `${'t'.repeat(30)}-one`);
    const b = workspaceTypeName(org, `${'t'.repeat(30)}-two`);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).toMatch(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/);
    expect(a).not.toBe(b);
  });
});

describe('templateWorkspaceType', () => {
  it('puts platform templates in root and org templates in the org workspace, always with an explicit path', () => {
    expect(templateWorkspaceType(null, 'standard')).toEqual({ name: 'atrium-standard', path: 'root' });
    expect(templateWorkspaceType('acme', 'standard')).toEqual({ name: 'atrium-acme-standard', path: 'root:acme' });
  });
  it('keeps long platform template names valid type names', () => {
    const name = platformWorkspaceTypeName('p'.repeat(63));
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/);
    expect(name).not.toBe(platformWorkspaceTypeName(`${'p'.repeat(62)}q`));
  });
});
