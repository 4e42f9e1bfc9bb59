import { describe, expect, it } from 'vitest';
import { type FieldSpec, isStructDef, loadKubeTypes, type StructDef, type TypeDef } from './kube-types.js';

const kube = loadKubeTypes();
const CORE = 'io.k8s.api.core.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

function struct(name: string): StructDef {
  const def = kube.types[name];
  if (!def || !isStructDef(def)) throw new Error(`${name} is not a struct def`);
  return def;
}
/** A field's spec without its docs. */
/** A field's structural spec (without its description and strategic-merge tags, asserted on their own). */
function field(type: string, name: string): Omit<FieldSpec, 'description' | 'patchStrategy' | 'patchMergeKey'> {
  const spec = struct(type).fields[name];
  if (!spec) throw new Error(`${type} has no field ${name}`);
  const { description: _, patchStrategy: _s, patchMergeKey: _k, ...rest } = spec;
  return rest;
}

describe('kube-types.json', () => {
  it('maps kinds to OpenAPI type names, for every served group', () => {
    expect(kube.kinds['v1/Pod']).toBe(`${CORE}.Pod`);
    expect(kube.kinds['apps/v1/Deployment']).toBe('io.k8s.api.apps.v1.Deployment');
    for (const kind of [
      'autoscaling/v2/HorizontalPodAutoscaler',
      'policy/v1/PodDisruptionBudget',
      'discovery.k8s.io/v1/EndpointSlice',
      'coordination.k8s.io/v1/Lease',
      'networking.k8s.io/v1/NetworkPolicy',
      'scheduling.k8s.io/v1/PriorityClass',
      'rbac.authorization.k8s.io/v1/ClusterRole',
      'batch/v1/CronJob',
      'authorization.k8s.io/v1/SelfSubjectAccessReview',
    ]) {
      expect(kube.kinds[kind], kind).toBeDefined();
    }
    for (const [kind, type] of Object.entries(kube.kinds)) expect(kube.types[type], kind).toBeDefined();
  });

  it('carries list types and map keys for structured merge', () => {
    expect(field(`${CORE}.PodSpec`, 'containers')).toEqual({ list: { ref: `${CORE}.Container` }, listType: 'map', keys: ['name'] });
    expect(struct(`${CORE}.PodSpec`).fields.containers).toMatchObject({ patchStrategy: 'merge', patchMergeKey: 'name' });
    expect(struct(`${CORE}.Container`).fields.args?.patchStrategy).toBeUndefined();
    expect(field(`${CORE}.Container`, 'ports')).toMatchObject({ listType: 'map', keys: ['containerPort', 'protocol'] });
    expect(field(`${CORE}.Container`, 'args')).toEqual({ list: { scalar: 'string' }, listType: 'atomic' });
    expect(field(`${CORE}.ServiceSpec`, 'ports')).toMatchObject({ list: { ref: `${CORE}.ServicePort` }, listType: 'map', keys: ['port', 'protocol'] });
    expect(field(`${META}.ObjectMeta`, 'finalizers')).toEqual({ list: { scalar: 'string' }, listType: 'set' });
    expect(field(`${META}.ObjectMeta`, 'ownerReferences')).toEqual({ list: { ref: `${META}.OwnerReference` }, listType: 'map', keys: ['uid'] });
  });

  it('carries map types, struct types and defaults', () => {
    expect(field(`${META}.ObjectMeta`, 'labels')).toEqual({ map: { scalar: 'string' }, mapType: 'granular' });
    expect(field(`${CORE}.PodSpec`, 'nodeSelector')).toEqual({ map: { scalar: 'string' }, mapType: 'atomic' });
    expect(struct(`${META}.LabelSelector`).structType).toBe('atomic');
    expect(struct(`${CORE}.PodSpec`).structType).toBeUndefined();
    expect(field(`${CORE}.ContainerPort`, 'protocol')).toEqual({ scalar: 'string', default: 'TCP' });
  });

  it('merges the fields of inlined embedded structs into the parent', () => {
    const probe = struct(`${CORE}.Probe`).fields;
    expect(probe.httpGet).toMatchObject({ ref: `${CORE}.HTTPGetAction` });
    expect(probe.handler).toBeUndefined();
    const volume = struct(`${CORE}.Volume`).fields;
    expect(volume.configMap).toMatchObject({ ref: `${CORE}.ConfigMapVolumeSource` });
    expect(volume.volumeSource).toBeUndefined();
  });

  it('maps scalars and the apimachinery types with a custom JSON form', () => {
    expect(kube.types['io.k8s.apimachinery.pkg.api.resource.Quantity']).toMatchObject({ scalar: 'string', format: 'quantity' });
    expect(kube.types[`${META}.Time`]).toMatchObject({ scalar: 'string', format: 'date-time' });
    expect(kube.types['io.k8s.apimachinery.pkg.runtime.RawExtension']).toMatchObject({ untyped: true });
    expect(field('io.k8s.api.apps.v1.DeploymentSpec', 'replicas')).toEqual({ scalar: 'integer', format: 'int32' });
    expect(field(`${META}.ObjectMeta`, 'creationTimestamp')).toEqual({ ref: `${META}.Time` });
    expect(kube.types['io.k8s.api.authorization.v1.ExtraValue']).toMatchObject({ list: { scalar: 'string' }, listType: 'atomic' });
  });

  it('has descriptions without generator tags', () => {
    const deployment = struct('io.k8s.api.apps.v1.Deployment');
    expect(deployment.description).toBeTruthy();
    expect(deployment.description).not.toContain('+');
    expect(struct(`${CORE}.PodSpec`).fields.volumes?.description).toBe(
      'List of volumes that can be mounted by containers belonging to the pod. More info: https://kubernetes.io/docs/concepts/storage/volumes',
    );
    // Paragraphs stay apart; the text after a `---` line is for Go readers only.
    expect(struct(`${CORE}.PodSecurityContext`).fields.seLinuxChangePolicy?.description).toContain('"Recursive".\n\n"Recursive" means');
    expect(struct(`${CORE}.ObjectReference`).description).toBe('ObjectReference contains enough information to let you inspect or modify the referred object.');
  });

  it('resolves every ref', () => {
    const unresolved: string[] = [];
    const walk = (spec: TypeDef | FieldSpec, where: string) => {
      if ('ref' in spec && !kube.types[spec.ref]) unresolved.push(`${where} → ${spec.ref}`);
      if ('list' in spec) walk(spec.list, `${where}[]`);
      if ('map' in spec) walk(spec.map, `${where}{}`);
      if ('fields' in spec) for (const [name, f] of Object.entries(spec.fields)) walk(f, `${where}.${name}`);
    };
    for (const [name, def] of Object.entries(kube.types)) walk(def, name);
    expect(unresolved).toEqual([]);
    expect(Object.keys(kube.types).length).toBeGreaterThan(300);
  });
});
