import { AppError, isAppError } from '@atrium/core';
import { z } from 'zod';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Field-level messages from a zod error, for inline form errors. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_';
    const list = out[key] ?? [];
    list.push(issue.message);
    out[key] = list;
  }
  return out;
}

export function validationError(error: z.ZodError, where: 'body' | 'query' | 'path'): AppError {
  const first = error.issues[0];
  const field = first?.path.join('.') || where;
  return new AppError('VALIDATION_FAILED', `Invalid ${where}: ${field}: ${first?.message ?? 'invalid value'}`, { details: { fields: fieldErrors(error) } });
}

/** The single AppError → HTTP mapping. Anything else is an unexpected 500. */
export function errorResponse(e: unknown, log?: (err: unknown) => void): Response {
  if (isAppError(e)) {
    const body: ErrorBody = { error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) } };
    const headers: Record<string, string> = {};
    if (e.retryAfterSeconds) headers['retry-after'] = String(e.retryAfterSeconds);
    return Response.json(body, { status: e.httpStatus, headers });
  }
  log?.(e);
  return Response.json(
    { error: { code: 'INTERNAL', message: 'Something went wrong on our side. Try again; if it persists, contact support.' } } satisfies ErrorBody,
    {
      status: 500,
    },
  );
}

export const MAX_BODY_BYTES = 64 * 1024;

/** Reads a JSON body with a size cap; 415 / 413 / 400 for the wrong type, size or syntax. */
export async function readJsonBody(req: Request): Promise<unknown> {
  const type = req.headers.get('content-type') ?? '';
  const length = Number(req.headers.get('content-length') ?? '0');
  if (length > MAX_BODY_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  if (!req.body) {
    if (length === 0) return undefined;
  }
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    const text = req.body ? await readCapped(req) : '';
    if (text.length === 0) return undefined;
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as JSON with Content-Type: application/json.');
  }
  const text = await readCapped(req);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('BAD_REQUEST', 'The request body is not valid JSON.');
  }
}

async function readCapped(req: Request): Promise<string> {
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new AppError('PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
