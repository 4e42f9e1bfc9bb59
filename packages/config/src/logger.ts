import pino, { type Logger } from 'pino';
import { env } from './env.js';

export type { Logger };

/** One JSON logger per process component; `name` says which. */
export function createLogger(name: string): Logger {
  return pino({ name, level: env().LOG_LEVEL, redact: ['password', '*.password', 'token', '*.token', 'authorization'] });
}
