export { apiserverUrl, type AtriumEnv, atriumEnvSchema, ConfigError, consoleUrl, env, parseEnv } from './env.js';
export { createLogger, type Logger } from './logger.js';
