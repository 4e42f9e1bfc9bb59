export { type AtriumEnv, apiserverUrl, atriumEnvSchema, ConfigError, consoleUrl, env, parseEnv } from './env.js';
export { createLogger, type Logger } from './logger.js';
