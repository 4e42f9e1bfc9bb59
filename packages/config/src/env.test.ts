import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from './env.js';

describe('parseEnv', () => {
  it('applies defaults when nothing is set', () => {
    const e = parseEnv({});
    expect(e.ATRIUM_CONSOLE_PORT).toBe(3000);
    expect(e.DATABASE_URL).toBeUndefined();
  });

  it('treats empty strings as unset', () => {
    expect(parseEnv({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('names the variable and the fix in one line', () => {
    expect(() => parseEnv({ ATRIUM_CONSOLE_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => parseEnv({ ATRIUM_CONSOLE_PORT: 'eighty' })).toThrow(/^ATRIUM_CONSOLE_PORT="eighty" is invalid: .*unset ATRIUM_CONSOLE_PORT/);
    expect(() => parseEnv({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });
});
