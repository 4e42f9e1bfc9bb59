/**
 * The deployment artefacts cannot run here (no Docker, no cluster), so they
 * are checked for what can go wrong silently: the Helm chart lints and renders
 * with the real helm v4, refuses missing secrets, and every variable that
 * docker-compose and the chart pass is one the apps actually read.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { atriumEnvSchema } from '@atrium/config';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { kubeTools } from './kube-tools.js';

const root = path.resolve(import.meta.dirname, '../..');
const chart = path.join(root, 'infra/helm/atrium');
const secrets = ['--set', 'secrets.kcpToken=0123456789abcdef-token', '--set', 'secrets.nextauthSecret=nextauth-secret-value'];
// Read by libraries rather than by packages/config.
const LIBRARY_VARIABLES = new Set(['NEXTAUTH_URL', 'NEXTAUTH_SECRET']);
const known = (name: string) => name in atriumEnvSchema.shape || LIBRARY_VARIABLES.has(name);

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are arbitrary YAML, probed field by field.
function render(...args: string[]): Array<Record<string, any>> {
  const out = execFileSync(kubeTools().helm, ['template', 'rel', chart, ...secrets, ...args], { encoding: 'utf8' });
  return YAML.parseAllDocuments(out)
    .map((d) => d.toJSON())
    .filter(Boolean);
}

describe('helm chart', () => {
  it('lints clean', () => {
    expect(() => execFileSync(kubeTools().helm, ['lint', chart, ...secrets], { encoding: 'utf8' })).not.toThrow();
  });

  it('renders the three components, a migration hook and only known variables', () => {
    const docs = render();
    const deployments = docs.filter((d) => d.kind === 'Deployment').map((d) => d.metadata.name);
    expect(deployments.sort()).toEqual(['rel-atrium-apiserver', 'rel-atrium-console', 'rel-atrium-worker']);
    const job = docs.find((d) => d.kind === 'Job');
    expect(job?.metadata.annotations['helm.sh/hook']).toContain('pre-install');
    for (const d of docs.filter((x) => x.kind === 'Deployment' || x.kind === 'Job')) {
      for (const c of d.spec.template.spec.containers) for (const e of c.env) expect(known(e.name), `${d.metadata.name}: ${e.name}`).toBe(true);
    }
  });

  it('skips the embedded API server when a real kcp is configured', () => {
    const docs = render('--set', 'apiserver.externalKcpUrl=https://kcp.example.com:6443');
    expect(docs.some((d) => d.metadata.name === 'rel-atrium-apiserver')).toBe(false);
    const worker = docs.find((d) => d.metadata.name === 'rel-atrium-worker');
    expect(worker?.spec.template.spec.containers[0].env).toContainEqual({ name: 'ATRIUM_KCP_URL', value: 'https://kcp.example.com:6443' });
  });

  it('refuses to render without the admin token', () => {
    expect(() => execFileSync(kubeTools().helm, ['template', 'rel', chart], { encoding: 'utf8', stdio: 'pipe' })).toThrow(/secrets.kcpToken is required/);
  });
});

describe('docker-compose.yml', () => {
  it('passes only variables the apps read, and builds every target the Dockerfile has', () => {
    const compose = YAML.parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
    const dockerfile = fs.readFileSync(path.join(root, 'infra/docker/Dockerfile'), 'utf8');
    // biome-ignore lint/suspicious/noExplicitAny: compose services are arbitrary YAML.
    for (const [name, service] of Object.entries<Record<string, any>>(compose.services)) {
      if (service.build) {
        expect(dockerfile, `${name} target`).toContain(`AS ${service.build.target}`);
        for (const variable of Object.keys(service.environment ?? {})) expect(known(variable), `${name}: ${variable}`).toBe(true);
      }
    }
  });
});
