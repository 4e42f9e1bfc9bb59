'use client';

/** A failed `/api/v1` call, with the server's message and per-field errors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string[]> = {},
    /** The error's full `details` (e.g. an acquisition denial's `violations`). */
    readonly details: unknown = undefined,
  ) {
    super(message);
  }
}

export async function api<T = unknown>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      headers: init.body !== undefined ? { 'content-type': 'application/json' } : {},
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Could not reach Atrium. Check your connection and try again.');
  }
  if (res.status === 204) return null as T;
  const data = (await res.json().catch(() => null)) as {
    error?: { code: string; message: string; details?: { fields?: Record<string, string[]> } };
  } | null;
  if (!res.ok) {
    const e = data?.error;
    throw new ApiError(res.status, e?.code ?? 'INTERNAL', e?.message ?? `Request failed (${res.status}).`, e?.details?.fields ?? {}, e?.details);
  }
  return data as T;
}
