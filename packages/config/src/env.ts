import { z } from 'zod';

/**
 * A configuration problem a person can fix: the message names the variable and
 * what to do. Entry points print it as one line and exit non-zero.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const port = z.coerce.number().int().min(1).max(65535);

const postgresUrl = z
  .string()
  .url()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must start with postgres:// or postgresql://');

/** Every variable any Atrium process reads, with its default. */
export const atriumEnvSchema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  ATRIUM_HOME: z.string().min(1).default('.atrium'),
  ATRIUM_PG_PORT: port.default(54329),
  ATRIUM_APISERVER_HOST: z.string().min(1).default('127.0.0.1'),
  ATRIUM_APISERVER_PORT: port.default(6443),
  /** Base URL of the kcp-compatible backend the worker and console talk to. */
  ATRIUM_KCP_URL: z.string().url().optional(),
  ATRIUM_KCP_TOKEN: z.string().min(16).optional(),
  /** PEM file of the CA that signed the backend's serving certificate (the embedded server writes one under ATRIUM_HOME). */
  ATRIUM_KCP_CA_FILE: z.string().min(1).optional(),
  ATRIUM_CONSOLE_PORT: port.default(3000),
  ATRIUM_CONSOLE_URL: z.string().url().optional(),
  ATRIUM_SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  ATRIUM_SMTP_PORT: port.default(1025),
  ATRIUM_MAIL_WEB_PORT: port.default(1080),
  ATRIUM_MAIL_FROM: z.string().min(3).default('Atrium <no-reply@atrium.local>'),
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  /** The console's public URL as next-auth sees it (it reads this variable itself too). */
  NEXTAUTH_URL: z.string().url().optional(),
  /** Optional console sign-in providers: each is on only when its variables are set. */
  ATRIUM_GITHUB_CLIENT_ID: z.string().min(1).optional(),
  ATRIUM_GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  ATRIUM_OIDC_ISSUER: z.string().url().optional(),
  ATRIUM_OIDC_CLIENT_ID: z.string().min(1).optional(),
  ATRIUM_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  ATRIUM_OIDC_NAME: z.string().min(1).default('Single sign-on'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type AtriumEnv = z.infer<typeof atriumEnvSchema>;

/**
 * Parses the environment once. Raw `process.env` reads elsewhere are banned by
 * the linter so that every variable is documented and validated here.
 */
export function parseEnv(source: Record<string, string | undefined> = process.env): AtriumEnv {
  // Empty strings are how shells and compose files say "unset".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = atriumEnvSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = issue?.path.join('.') ?? 'environment';
    throw new ConfigError(
      `${variable}=${JSON.stringify(cleaned[variable] ?? '')} is invalid: ${issue?.message ?? 'bad value'}. Fix or unset ${variable} and retry.`,
    );
  }
  return result.data;
}

let cached: AtriumEnv | undefined;
export function env(): AtriumEnv {
  cached ??= parseEnv();
  return cached;
}

/** Derived URLs, so no process invents its own default. */
export function apiserverUrl(e: AtriumEnv = env()): string {
  return e.ATRIUM_KCP_URL ?? `https://${e.ATRIUM_APISERVER_HOST}:${e.ATRIUM_APISERVER_PORT}`;
}

export function consoleUrl(e: AtriumEnv = env()): string {
  return e.ATRIUM_CONSOLE_URL ?? `http://localhost:${e.ATRIUM_CONSOLE_PORT}`;
}
