import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{apps,packages,infra}/**/src/**/*.test.ts', 'infra/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/.next/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'int',
          include: ['{apps,packages,infra}/**/*.int.test.ts'],
          exclude: ['**/node_modules/**', '**/.next/**'],
          environment: 'node',
          globalSetup: ['infra/test/global-setup.ts'],
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
