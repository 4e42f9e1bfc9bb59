import type { ServerResponse } from 'node:http';
import { encodeWatchFrame, kubernetesProtobufType, PROTOBUF, wantsProtobuf } from '../http/protobuf.js';
import { errors } from '../http/status.js';
import { apiVersionOf, type KubeObject, storageResource } from '../registry/types.js';
import { RevisionTooOldError, type StoredRow } from '../storage/store.js';
import type { Subscription, WatchHub } from '../storage/watch-hub.js';
import { decodeRow, type ResourceRequest, type RestHandler } from './rest.js';
import { matchesFields, matchesLabels } from './selectors.js';

export interface WatchOptions {
  /** How often to send BOOKMARK events to clients that allow them. */
  bookmarkIntervalMs: number;
  /** Upper bound for a watch without timeoutSeconds (Kubernetes uses 30–60 minutes). */
  maxTimeoutSeconds: number;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * A watch over HTTP: newline-delimited JSON events (length-framed protobuf
 * ones when the client prefers protobuf), served from the
 * in-memory hub. Without a resourceVersion (or with "0", or with
 * sendInitialEvents=true) the current state comes first as ADDED events.
 * A revision older than the compacted log ends the stream with an ERROR event
 * carrying a 410 Expired Status, as Kubernetes does.
 */
export async function serveWatch(
  r: ResourceRequest,
  res: ServerResponse,
  hub: WatchHub,
  rest: RestHandler,
  options: WatchOptions,
  accept?: string,
): Promise<void> {
  const sel = rest.selectors(r);
  const rvParam = r.query.get('resourceVersion') ?? '';
  const sendInitial = r.query.get('sendInitialEvents') === 'true';
  const bookmarks = r.query.get('allowWatchBookmarks') === 'true';
  const timeoutRaw = r.query.get('timeoutSeconds');
  if (rvParam !== '' && !/^\d+$/.test(rvParam)) throw errors.badRequest(`invalid resourceVersion "${rvParam}"`);
  if (timeoutRaw !== null && !/^\d+$/.test(timeoutRaw)) throw errors.badRequest(`invalid timeoutSeconds "${timeoutRaw}"`);
  const timeoutSeconds = Math.min(timeoutRaw !== null ? Number(timeoutRaw) : options.maxTimeoutSeconds, options.maxTimeoutSeconds);

  const apiVersion = apiVersionOf(r.type);
  // Built-in kinds stream in protobuf when the client asks for it first (client-go's typed informers do).
  const protobuf = wantsProtobuf(accept) && kubernetesProtobufType(apiVersion, r.type.kind) !== undefined;
  res.writeHead(200, {
    'Content-Type': protobuf ? `${PROTOBUF};stream=watch` : 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();
  let closed = false;
  const send = (type: EventType, object: unknown) => {
    if (closed) return;
    if (!protobuf) {
      res.write(`${JSON.stringify({ type, object })}\n`);
      return;
    }
    try {
      res.write(encodeWatchFrame(type, object as Record<string, unknown>));
    } catch {
      // An object the wire format cannot carry: end the stream, the client re-lists and watches again.
      res.destroy();
    }
  };
  const matches = (obj: KubeObject) =>
    (sel.namespace === undefined || obj.metadata?.namespace === sel.namespace) &&
    (sel.name === undefined || obj.metadata?.name === sel.name) &&
    matchesLabels(sel.labels, obj.metadata?.labels) &&
    matchesFields(sel.fields, obj);

  let subscription: Subscription | undefined;
  let timer: NodeJS.Timeout | undefined;
  let bookmarkTimer: NodeJS.Timeout | undefined;
  const finish = () => {
    if (closed) return;
    closed = true;
    subscription?.close();
    if (timer) clearTimeout(timer);
    if (bookmarkTimer) clearInterval(bookmarkTimer);
    res.end();
  };
  res.on('close', finish);

  let fromRv: number;
  try {
    if (rvParam === '' || rvParam === '0' || sendInitial) {
      let continueToken: string | undefined;
      let snapshot = 0;
      do {
        const page = await rest.listObjects(r, 500, continueToken);
        snapshot = page.rv;
        for (const obj of page.items) send('ADDED', obj);
        continueToken = page.continue;
      } while (continueToken && !closed);
      fromRv = snapshot;
    } else {
      fromRv = Number(rvParam);
    }
    if (closed) return;
    subscription = await hub.subscribe(
      { cluster: r.cluster?.name ?? null, resource: storageResource(r.type), ...(sel.namespace !== undefined ? { namespace: sel.namespace } : {}) },
      fromRv,
      (event) => {
        const obj = decodeRow(event as StoredRow, r.type);
        if (matches(obj)) send(event.type, obj);
      },
    );
    if (sendInitial) {
      send('BOOKMARK', {
        kind: r.type.kind,
        apiVersion,
        metadata: { resourceVersion: String(Math.max(fromRv, subscription.progressRv)), annotations: { 'k8s.io/initial-events-end': 'true' } },
      });
    }
  } catch (e) {
    if (e instanceof RevisionTooOldError) {
      send('ERROR', errors.gone(`too old resource version: ${e.requested} (${e.compacted})`).toStatus());
      finish();
      return;
    }
    finish();
    throw e;
  }
  if (closed) {
    subscription.close();
    return;
  }
  timer = setTimeout(finish, timeoutSeconds * 1000);
  if (bookmarks) {
    bookmarkTimer = setInterval(() => {
      if (subscription) send('BOOKMARK', { kind: r.type.kind, apiVersion, metadata: { resourceVersion: String(subscription.progressRv) } });
    }, options.bookmarkIntervalMs);
  }
}
