import { AppError } from '@atrium/core';
import { parseAllDocuments } from 'yaml';

/** Pasted manifests stay well inside the 64 KiB request body. */
export const MAX_MANIFEST_CHARS = 60_000;
/** Objects per preview: enough for an app's manifests, bounded work per request. */
export const MAX_MANIFEST_OBJECTS = 200;

/**
 * Kinds that are not namespaced. Every other kind without a namespace gets `default`, as
 * `kubectl apply` would give it, so messages read "Service default/web" like admission's.
 */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
]);

function invalid(message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { details: { fields: { manifest: [message] } } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks one document and fills in what the API server would (the namespace). */
function toObject(value: unknown, where: string): Record<string, unknown> {
  if (!isRecord(value)) throw invalid(`${where} is not a Kubernetes object (a mapping with apiVersion and kind).`);
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '') throw invalid(`${where} has no apiVersion.`);
  if (typeof value.kind !== 'string' || value.kind === '') throw invalid(`${where} has no kind.`);
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  if (typeof metadata.name !== 'string' && typeof metadata.generateName !== 'string') throw invalid(`${where} (${value.kind}) has no metadata.name.`);
  const namespaced = !CLUSTER_SCOPED_KINDS.has(value.kind);
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : undefined;
  return { ...value, metadata: { ...metadata, ...(namespaced && !namespace ? { namespace: 'default' } : {}) } };
}

/**
 * The objects of a pasted manifest: JSON (one object, or a `List`) or YAML with any number of
 * `---`-separated documents (empty documents are skipped, `List`s are expanded). Anything
 * else is a 422 naming the document and the problem.
 */
export function parseManifest(text: string): Record<string, unknown>[] {
  if (text.length > MAX_MANIFEST_CHARS) throw invalid(`The manifest is longer than ${MAX_MANIFEST_CHARS} characters; preview it in parts.`);
  if (text.trim() === '') throw invalid('Paste a manifest: YAML or JSON with at least one object.');
  let documents: unknown[];
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      documents = Array.isArray(parsed) ? parsed : [parsed];
    } catch (e) {
      throw invalid(`The manifest is not valid JSON: ${(e as Error).message}`);
    }
  } else {
    // yaml's default alias limit (100) keeps "billion laughs" documents from expanding.
    const docs = parseAllDocuments(text, { prettyErrors: false });
    if (!Array.isArray(docs)) throw invalid('The manifest is not valid YAML.');
    documents = [];
    for (const [index, doc] of docs.entries()) {
      const error = doc.errors[0];
      if (error) throw invalid(`Document ${index + 1} is not valid YAML: ${error.message.split('\n')[0]}`);
      try {
        documents.push(doc.toJS({ maxAliasCount: 100 }));
      } catch (e) {
        throw invalid(`Document ${index + 1} cannot be read: ${(e as Error).message}`);
      }
    }
  }

  const objects: Record<string, unknown>[] = [];
  for (const [index, document] of documents.entries()) {
    if (document === null || document === undefined) continue;
    const where = `Document ${index + 1}`;
    if (isRecord(document) && typeof document.kind === 'string' && document.kind.endsWith('List') && Array.isArray(document.items)) {
      for (const [i, item] of document.items.entries()) objects.push(toObject(item, `${where}, item ${i + 1}`));
    } else {
      objects.push(toObject(document, where));
    }
    if (objects.length > MAX_MANIFEST_OBJECTS) throw invalid(`The manifest has more than ${MAX_MANIFEST_OBJECTS} objects; preview it in parts.`);
  }
  if (objects.length === 0) throw invalid('The manifest has no objects.');
  return objects;
}
