/**
 * `x-kubernetes-validations` (CEL) on a CRD, through the real kubectl: rules at the root,
 * on an object, on a scalar and on list items; a transition rule; a messageExpression;
 * a rule that does not compile refuses the CRD.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminKubeconfig } from '../kubeconfig.js';
import { ADMIN_TOKEN, kubectl, kubectlBinary, startTestServer, type TestServer } from './harness.js';

let t: TestServer;
let dir: string;
let admin: string;

const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: rockets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: rockets, singular: rocket, kind: Rocket}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-validations:
        - rule: "!has(self.spec.stages) || self.spec.stages.size() <= 3"
          message: at most three stages
        properties:
          spec:
            type: object
            x-kubernetes-validations:
            - rule: self.minThrust <= self.maxThrust
              messageExpression: "'minThrust ' + string(self.minThrust) + ' exceeds maxThrust ' + string(self.maxThrust)"
            - rule: "quantity(self.fuel).isLessThan(quantity('10Gi'))"
              message: too much fuel
              fieldPath: .fuel
            properties:
              serial:
                type: string
                x-kubernetes-validations:
                - rule: self == oldSelf
                  message: serial is immutable
                - rule: self.matches('^[A-Z]{2}-[0-9]+$')
              minThrust: {type: integer}
              maxThrust: {type: integer}
              fuel: {type: string}
              stages:
                type: array
                items:
                  type: string
                  x-kubernetes-validations:
                  - rule: self.startsWith('stage-')
`;

const rocket = (o: { name: string; serial?: string; min?: number; max?: number; fuel?: string; stages?: string[] }) => `apiVersion: example.com/v1
kind: Rocket
metadata: {name: ${o.name}, namespace: default}
spec:
  serial: ${o.serial ?? 'AB-1'}
  minThrust: ${o.min ?? 1}
  maxThrust: ${o.max ?? 10}
  fuel: ${o.fuel ?? '1Gi'}
  stages: ${JSON.stringify(o.stages ?? ['stage-1'])}
`;

async function apply(name: string, yaml: string) {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, yaml);
  return kubectl(admin, ['apply', '-f', file]);
}

beforeAll(async () => {
  [t] = await Promise.all([startTestServer(), kubectlBinary()]);
  await t.server.clusters.create('root:cel');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-crd-cel-'));
  admin = path.join(dir, 'admin.kubeconfig');
  fs.writeFileSync(admin, adminKubeconfig(t.server.httpsUrl!, ADMIN_TOKEN, { caPem: t.server.caPem!, paths: ['root:cel'] }));
});
afterAll(async () => {
  await t?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('CRD x-kubernetes-validations via kubectl', () => {
  it('refuses a CRD whose rule does not compile, naming the rule and the compiler message', async () => {
    const broken = crd
      .replace('rockets.example.com', 'gadgets.example.com')
      .replace('{plural: rockets, singular: rocket, kind: Rocket}', '{plural: gadgets, kind: Gadget}');
    const bad = await apply('broken', broken.replace("self.startsWith('stage-')", "self.startsWith('stage-') && launch(self)"));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[stages].items.x-kubernetes-validations[0].rule');
    expect(bad.stderr).toContain("compilation failed: found no matching overload for 'launch(dyn)'");
    const syntax = await apply('syntax', broken.replace('self.minThrust <= self.maxThrust', 'self.minThrust <='));
    expect(syntax.code).not.toBe(0);
    expect(syntax.stderr).toMatch(/properties\[spec\]\.x-kubernetes-validations\[0\]\.rule: Invalid value: .*compilation failed/);
    expect((await kubectl(admin, ['get', 'crd', 'gadgets.example.com'])).code).not.toBe(0);
  });

  it('stores a custom resource that satisfies the rules and refuses one that breaks them, with the messages', async () => {
    const created = await apply('crd', crd);
    expect(created.code, created.stderr).toBe(0);
    await expect.poll(async () => (await kubectl(admin, ['get', 'rockets'])).code, { timeout: 5000 }).toBe(0);

    const ok = await apply('ok', rocket({ name: 'r1' }));
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('rocket.example.com/r1 created');

    const bad = await apply(
      'bad',
      rocket({ name: 'r2', serial: 'lowercase', min: 20, max: 10, fuel: '20Gi', stages: ['stage-1', 'booster', 'stage-3', 'stage-4'] }),
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('at most three stages');
    expect(bad.stderr).toContain('spec: Invalid value: "object": minThrust 20 exceeds maxThrust 10');
    expect(bad.stderr).toContain('spec.fuel: Invalid value: "object": too much fuel');
    expect(bad.stderr).toContain('spec.serial: Invalid value: "string": failed rule: self.matches(\'^[A-Z]{2}-[0-9]+$\')');
    expect(bad.stderr).toContain('spec.stages[1]: Invalid value: "string": failed rule: self.startsWith(\'stage-\')');
    expect((await kubectl(admin, ['get', 'rocket', 'r2'])).code).not.toBe(0);
  });

  it('refuses an update that breaks the transition rule, and allows one that keeps it', async () => {
    const changed = await apply('r1-serial', rocket({ name: 'r1', serial: 'AB-2' }));
    expect(changed.code).not.toBe(0);
    expect(changed.stderr).toContain('spec.serial: Invalid value: "string": serial is immutable');
    const patched = await kubectl(admin, ['patch', 'rocket', 'r1', '--type=merge', '-p', '{"spec":{"serial":"CD-9"}}']);
    expect(patched.code).not.toBe(0);
    expect(patched.stderr).toContain('serial is immutable');
    const fine = await apply('r1-thrust', rocket({ name: 'r1', max: 50 }));
    expect(fine.code, fine.stderr).toBe(0);
    const got = await kubectl(admin, ['get', 'rocket', 'r1', '-o', 'jsonpath={.spec.serial} {.spec.maxThrust}']);
    expect(got.stdout).toBe('AB-1 50');
  });

  it('fails fast with a clear message when a rule is too expensive for the object', async () => {
    const heavy = crd
      .replace('rockets.example.com', 'probes.example.com')
      .replace('{plural: rockets, singular: rocket, kind: Rocket}', '{plural: probes, kind: Probe}')
      .replace("self.startsWith('stage-')", "self.startsWith('stage-')\n                  - rule: self.size() > 0")
      .replace('at most three stages', 'ok')
      .replace(
        '"!has(self.spec.stages) || self.spec.stages.size() <= 3"',
        '"!has(self.spec.stages) || self.spec.stages.all(a, self.spec.stages.all(b, self.spec.stages.all(c, true)))"',
      );
    const created = await apply('probes', heavy);
    expect(created.code, created.stderr).toBe(0);
    await expect.poll(async () => (await kubectl(admin, ['get', 'probes'])).code, { timeout: 5000 }).toBe(0);
    const stages = Array.from({ length: 400 }, (_, i) => `stage-${i}`);
    const started = Date.now();
    const res = await apply('probe', rocket({ name: 'p1', stages }).replace('Rocket', 'Probe'));
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('call cost exceeds limit for rule');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
