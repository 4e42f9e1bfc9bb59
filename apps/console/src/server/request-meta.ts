/**
 * The client address for throttling and the audit log. `next start` fills
 * X-Forwarded-For with the peer address only when the request has none, so
 * in production the console must sit behind a proxy that appends the real
 * address; the last entry is then the one a client cannot forge. Exposed
 * directly, a client can pick its own per-IP bucket (the per-account limit
 * still holds).
 */
export function clientIp(headers: Headers | Record<string, string | string[] | undefined>): string {
  const get = (name: string): string | undefined => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const v = headers[name];
    return Array.isArray(v) ? v.join(',') : v;
  };
  const forwarded = get('x-forwarded-for');
  const last = forwarded
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .pop();
  return (last ?? get('x-real-ip') ?? 'unknown').replace(/^::ffff:/, '').slice(0, 64);
}
