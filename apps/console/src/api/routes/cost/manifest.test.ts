import { isAppError } from '@atrium/core';
import { describe, expect, it } from 'vitest';
import { MAX_MANIFEST_CHARS, MAX_MANIFEST_OBJECTS, parseManifest } from './manifest.js';

function problem(text: string): string {
  try {
    parseManifest(text);
  } catch (e) {
    if (isAppError(e)) return `${e.httpStatus} ${e.message}`;
    throw e;
  }
  throw new Error('expected a 4xx');
}

describe('parseManifest', () => {
  it('reads multi-document YAML, skips empty documents and defaults the namespace of namespaced kinds', () => {
    const objects = parseManifest(
      [
        '---',
        'apiVersion: v1',
        'kind: Service',
        'metadata: { name: web }',
        'spec: { type: LoadBalancer }',
        '---',
        '# only a comment',
        '---',
        'apiVersion: v1',
        'kind: Namespace',
        'metadata: { name: shop }',
        '---',
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: { name: api, namespace: shop }',
      ].join('\n'),
    );
    expect(objects.map((o) => [o.kind, (o.metadata as { namespace?: string }).namespace])).toEqual([
      ['Service', 'default'],
      ['Namespace', undefined],
      ['Deployment', 'shop'],
    ]);
  });

  it('reads JSON objects, arrays and Lists', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', namespace: 'x' } };
    expect(parseManifest(JSON.stringify(svc))).toEqual([svc]);
    expect(parseManifest(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [svc, svc] }))).toHaveLength(2);
    expect(parseManifest(JSON.stringify([svc]))).toHaveLength(1);
  });

  it.each([
    ['', '422 Paste a manifest: YAML or JSON with at least one object.'],
    ['---\n---\n', '422 The manifest has no objects.'],
    ['kind: Service\nmetadata: {name: a}', '422 Document 1 has no apiVersion.'],
    ['apiVersion: v1\nmetadata: {name: a}', '422 Document 1 has no kind.'],
    ['apiVersion: v1\nkind: Service', '422 Document 1 (Service) has no metadata.name.'],
    ['- 1\n- 2', '422 Document 1 is not a Kubernetes object (a mapping with apiVersion and kind).'],
    ['{"kind": ', '422 The manifest is not valid JSON'],
    ['apiVersion: v1\nkind: [unclosed', '422 Document 1 is not valid YAML'],
  ])('rejects %j with a clear 422', (text, expected) => {
    expect(problem(text)).toContain(expected);
  });

  it('caps the size and the object count', () => {
    expect(problem('#'.repeat(MAX_MANIFEST_CHARS + 1))).toContain(`longer than ${MAX_MANIFEST_CHARS} characters`);
    const many = Array.from({ length: MAX_MANIFEST_OBJECTS + 1 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}`).join('\n---\n');
    expect(problem(many)).toContain(`more than ${MAX_MANIFEST_OBJECTS} objects`);
  });

  it('refuses alias bombs instead of expanding them', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(', ')}]`,
      ),
    ].join('\n');
    expect(problem(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  ${bomb.replaceAll('\n', '\n  ')}`)).toContain('Document 1');
  });
});
