/**
 * The one error taxonomy of Atrium's console and API. Domain code throws
 * these; the HTTP layer maps them to a status once (`httpStatus`). Expected
 * errors reach the user verbatim; anything else is logged and answered with a
 * generic 500.
 */
export const APP_ERROR_STATUS = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 422,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  GONE: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_STATUS;

export class AppError extends Error {
  override name = 'AppError';
  readonly code: AppErrorCode;
  readonly details: unknown;
  /** Seconds a client should wait (TOO_MANY_REQUESTS). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: AppErrorCode, message: string, options: { details?: unknown; retryAfterSeconds?: number } = {}) {
    super(message);
    this.code = code;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get httpStatus(): number {
    return APP_ERROR_STATUS[this.code];
  }

  static notFound(what: string): AppError {
    return new AppError('NOT_FOUND', `${what} not found.`);
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
