import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FieldSet, pathString } from './fieldpath.js';
import { lazy, type MergeType, SCALAR, UNTYPED } from './schema.js';
import { compare, merge, toFieldSet } from './typed.js';
import { ApplyConflictError, type Managers, Updater } from './updater.js';

/** A Deployment-shaped schema, small enough to reason about by hand. */
const scalar = SCALAR;
const container: MergeType = {
  kind: 'map',
  fields: new Map<string, MergeType>([
    ['name', scalar],
    ['image', scalar],
    ['args', { kind: 'list', listType: 'atomic', elements: scalar }],
    [
      'ports',
      {
        kind: 'list',
        listType: 'map',
        keys: ['containerPort', 'protocol'],
        elements: {
          kind: 'map',
          fields: new Map([
            ['containerPort', scalar],
            ['protocol', scalar],
            ['name', scalar],
          ]),
          defaults: new Map([['protocol', 'TCP']]),
        },
      },
    ],
    [
      'env',
      {
        kind: 'list',
        listType: 'map',
        keys: ['name'],
        elements: {
          kind: 'map',
          fields: new Map([
            ['name', scalar],
            ['value', scalar],
          ]),
        },
      },
    ],
  ]),
};
const meta: MergeType = {
  kind: 'map',
  fields: new Map<string, MergeType>([
    ['name', scalar],
    ['labels', { kind: 'map', elements: scalar }],
    ['annotations', { kind: 'map', elements: scalar }],
    ['finalizers', { kind: 'list', listType: 'set', elements: scalar }],
  ]),
};
const deployment: MergeType = {
  kind: 'map',
  fields: new Map<string, MergeType>([
    ['apiVersion', scalar],
    ['kind', scalar],
    ['metadata', meta],
    [
      'spec',
      lazy(() => ({
        kind: 'map',
        fields: new Map<string, MergeType>([
          ['replicas', scalar],
          ['selector', { kind: 'map', atomic: true, fields: new Map([['matchLabels', { kind: 'map', elements: scalar }]]) }],
          [
            'template',
            {
              kind: 'map',
              fields: new Map<string, MergeType>([
                ['metadata', meta],
                ['spec', { kind: 'map', fields: new Map([['containers', { kind: 'list', listType: 'map', keys: ['name'], elements: container }]]) }],
              ]),
            },
          ],
          ['extra', UNTYPED],
        ]),
      })),
    ],
  ]),
};

const updater = new Updater({ type: deployment });
const V = 'apps/v1';

function paths(set: FieldSet): string[] {
  return [...set.paths()].map(pathString);
}

describe('field sets', () => {
  it('round-trips FieldsV1 with members that have children', () => {
    const set = FieldSet.of([
      ['f:metadata', 'f:labels'],
      ['f:metadata', 'f:labels', 'f:app'],
      ['f:spec', 'f:replicas'],
    ]);
    const v1 = set.toFieldsV1();
    expect(v1).toEqual({ 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } });
    expect(FieldSet.fromFieldsV1(v1).equals(set)).toBe(true);
  });

  it('refuses what is not FieldsV1', () => {
    expect(() => FieldSet.fromFieldsV1([])).toThrow();
    expect(() => FieldSet.fromFieldsV1({ 'x:y': {} })).toThrow(/unknown path element/);
    expect(() => FieldSet.fromFieldsV1({ 'f:a': 3 })).toThrow();
  });

  it('difference keeps what is below a removed member; recursiveDifference does not', () => {
    const set = FieldSet.of([['f:a'], ['f:a', 'f:b']]);
    const minus = FieldSet.of([['f:a']]);
    expect(paths(set.difference(minus))).toEqual(['.a.b']);
    expect(set.recursiveDifference(minus).isEmpty()).toBe(true);
  });

  it('prints paths as Kubernetes does in conflicts', () => {
    expect(pathString(['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image'])).toBe('.spec.containers[name="web"].image');
    expect(pathString(['f:spec', 'f:ports', 'k:{"containerPort":80,"protocol":"TCP"}'])).toBe('.spec.ports[containerPort=80,protocol="TCP"]');
    expect(pathString(['f:metadata', 'f:finalizers', 'v:"a"'])).toBe('.metadata.finalizers[="a"]');
  });
});

const base = {
  apiVersion: V,
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: { spec: { containers: [{ name: 'web', image: 'nginx:1', ports: [{ containerPort: 80 }] }] } },
  },
};

describe('field sets of objects', () => {
  it('owns leaves, list items by key (with key defaults), atomic values whole', () => {
    expect(paths(toFieldSet(base, deployment))).toEqual([
      '.apiVersion',
      '.kind',
      '.metadata.labels.app',
      '.metadata.name',
      '.spec.replicas',
      '.spec.selector',
      '.spec.template.spec.containers[name="web"]',
      '.spec.template.spec.containers[name="web"].image',
      '.spec.template.spec.containers[name="web"].name',
      '.spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"]',
      '.spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"].containerPort',
    ]);
  });

  it('compares by field: a new container is added as an item, an image change is a modification', () => {
    const next = structuredClone(base);
    next.spec.template.spec.containers[0]!.image = 'nginx:2';
    next.spec.template.spec.containers.push({ name: 'side', image: 'busybox', ports: [] });
    const c = compare(base, next, deployment);
    expect(paths(c.modified)).toEqual(['.spec.template.spec.containers[name="web"].image']);
    expect(paths(c.added)).toEqual([
      '.spec.template.spec.containers[name="side"]',
      '.spec.template.spec.containers[name="side"].image',
      '.spec.template.spec.containers[name="side"].name',
      '.spec.template.spec.containers[name="side"].ports',
    ]);
    expect(c.removed.isEmpty()).toBe(true);
  });

  it('merges lists by key in the configuration order, replaces atomic lists, unions sets', () => {
    const live = { metadata: { finalizers: ['a', 'b'] }, spec: { template: { spec: { containers: [{ name: 'a', args: ['1', '2'] }, { name: 'b' }] } } } };
    const config = {
      metadata: { finalizers: ['c', 'a'] },
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'b', image: 'x' },
              { name: 'a', args: ['3'] },
            ],
          },
        },
      },
    };
    expect(merge(live, config, deployment)).toEqual({
      metadata: { finalizers: ['c', 'a', 'b'] },
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'b', image: 'x' },
              { name: 'a', args: ['3'] },
            ],
          },
        },
      },
    });
  });

  it('refuses an applied list with duplicate keys or an item without its keys', () => {
    const dup = { spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'a' }] } } } };
    expect(() => updater.apply({}, dup, V, new Map(), 'x', false)).toThrow(/duplicate entries/);
    const keyless = { spec: { template: { spec: { containers: [{ image: 'a' }] } } } };
    expect(() => updater.apply({}, keyless, V, new Map(), 'x', false)).toThrow(/omits all key fields/);
  });
});

describe('apply and update ownership', () => {
  it('removes a field the applier stopped sending, keeps one another manager owns', () => {
    const first = updater.apply({}, base, V, new Map(), 'a', false);
    const { replicas: _r, ...specWithout } = base.spec;
    const withoutReplicas = { ...base, spec: specWithout };
    const second = updater.apply(first.object, withoutReplicas, V, first.managers, 'a', false);
    expect((second.object as typeof base).spec.replicas).toBeUndefined();

    // Another applier sets the same replicas: co-owned, so dropping it from one config keeps it.
    const shared = updater.apply(
      first.object,
      { apiVersion: V, kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } },
      V,
      first.managers,
      'b',
      false,
    );
    expect(shared.object).toBeUndefined();
    const dropped = updater.apply(first.object, withoutReplicas, V, shared.managers, 'a', false);
    expect(dropped.object).toBeUndefined();
  });

  it('conflicts over a value another manager owns, names them, and moves ownership when forced', () => {
    const first = updater.apply({}, base, V, new Map(), 'a', false);
    const other = { apiVersion: V, kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5 } };
    let caught: unknown;
    try {
      updater.apply(first.object, other, V, first.managers, 'b', false);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ApplyConflictError);
    expect((caught as ApplyConflictError).conflicts.map((c) => [c.manager, pathString(c.path)])).toEqual([['a', '.spec.replicas']]);
    const forced = updater.apply(first.object, other, V, first.managers, 'b', true);
    expect((forced.object as typeof base).spec.replicas).toBe(5);
    expect(forced.managers.get('a')!.set.has(['f:spec', 'f:replicas'])).toBe(false);
    expect(forced.managers.get('b')!.set.has(['f:spec', 'f:replicas'])).toBe(true);
  });

  it('an update takes the fields it changes; an apply then conflicts with the updater', () => {
    const applied = updater.apply({}, base, V, new Map(), 'a', false);
    const scaled = structuredClone(applied.object) as typeof base;
    scaled.spec.replicas = 9;
    const { managers } = updater.update(applied.object, scaled, V, applied.managers, 'kubectl-scale');
    expect(managers.get('kubectl-scale')!.set.has(['f:spec', 'f:replicas'])).toBe(true);
    expect(managers.get('a')!.set.has(['f:spec', 'f:replicas'])).toBe(false);
    expect(() => updater.apply(scaled, base, V, managers, 'a', false)).toThrow(ApplyConflictError);
  });

  it('never owns what the filter resets', () => {
    const noStatus = new Updater({ type: UNTYPED, filter: (s) => s.recursiveDifference(FieldSet.of([['f:status']])) });
    const { managers } = noStatus.apply({}, { spec: { a: 1 }, status: { b: 2 } }, V, new Map(), 'x', false);
    expect(paths(managers.get('x')!.set)).toEqual(['.spec', '.spec.a']);
  });
});

// --- properties ---------------------------------------------------------------

const name = fc.constantFrom('a', 'b', 'c');
const configArb = fc.record(
  {
    metadata: fc.record(
      { labels: fc.dictionary(name, fc.constantFrom('x', 'y'), { maxKeys: 3 }), finalizers: fc.uniqueArray(name, { maxLength: 3 }) },
      { requiredKeys: [] },
    ),
    spec: fc.record(
      {
        replicas: fc.integer({ min: 0, max: 3 }),
        template: fc.record({
          spec: fc.record({
            containers: fc.uniqueArray(
              fc.record(
                { name, image: fc.constantFrom('i1', 'i2'), args: fc.array(fc.constantFrom('-v', '-q'), { maxLength: 2 }) },
                { requiredKeys: ['name'] },
              ),
              { selector: (c) => c.name, maxLength: 3 },
            ),
          }),
        }),
        extra: fc.dictionary(name, fc.oneof(fc.integer(), fc.dictionary(name, fc.integer(), { maxKeys: 2 })), { maxKeys: 2 }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

const op = fc.record({ manager: fc.constantFrom('m1', 'm2', 'm3'), apply: fc.boolean(), force: fc.boolean(), config: configArb });

function leaves(set: FieldSet): FieldSet {
  // Members without children of their own: the values someone must own.
  const out: string[][] = [];
  for (const p of set.paths()) {
    let node = set;
    for (const pe of p.slice(0, -1)) node = node.child(pe);
    if (!node.children.has(p[p.length - 1]!)) out.push([...p]);
  }
  return FieldSet.of(out);
}

describe('properties', () => {
  it('applying the same configuration twice is a no-op', () => {
    fc.assert(
      fc.property(configArb, configArb, (live, config) => {
        const created = updater.update({}, live, V, new Map(), 'creator');
        const start = merge({}, live, deployment);
        const once = updater.apply(start, config, V, created.managers, 'applier', true);
        const after = once.object ?? start;
        const twice = updater.apply(after, config, V, once.managers, 'applier', false);
        expect(twice.object).toBeUndefined();
        expect([...twice.managers.keys()].sort()).toEqual([...once.managers.keys()].sort());
        for (const [m, s] of once.managers) expect(twice.managers.get(m)!.set.equals(s.set)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('after any sequence of applies and updates, every set field has an owner', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 8 }), (ops) => {
        let object: unknown = {};
        let managers: Managers = new Map();
        for (const o of ops) {
          if (o.apply) {
            try {
              const r = updater.apply(object, o.config, V, managers, o.manager, o.force);
              object = r.object ?? object;
              managers = r.managers;
            } catch (e) {
              if (!(e instanceof ApplyConflictError)) throw e;
              expect(o.force).toBe(false);
            }
          } else {
            // An update replaces the object with the configuration merged over it.
            const next = merge(object, o.config, deployment);
            managers = updater.update(object, next, V, managers, `${o.manager}-update`).managers;
            object = next;
          }
        }
        let owned = FieldSet.empty;
        for (const s of managers.values()) owned = owned.union(s.set);
        const unowned = leaves(toFieldSet(object, deployment)).difference(owned);
        expect(paths(unowned)).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('FieldsV1 encoding round-trips any object field set', () => {
    fc.assert(
      fc.property(configArb, (config) => {
        const set = toFieldSet(config, deployment);
        expect(FieldSet.fromFieldsV1(JSON.parse(JSON.stringify(set.toFieldsV1()))).equals(set)).toBe(true);
      }),
    );
  });
});
