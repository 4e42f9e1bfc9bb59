import { defineConfig } from 'prisma/config';
import { createMigrationAdapterFactory } from './src/pg-adapter';

// The JS engine + pg adapter selects the WebAssembly schema engine that ships
// inside npm; the native engine would have to be downloaded (see README).
const url = process.env.DATABASE_URL ?? 'postgresql://invalid:invalid@127.0.0.1:1/invalid';
const shadowUrl = process.env.SHADOW_DATABASE_URL ?? url;

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: '../../prisma',
  migrations: { path: '../../prisma/migrations' },
  adapter: async () => {
    const factory = createMigrationAdapterFactory(url);
    return Object.assign(factory, { connectToShadowDb: createMigrationAdapterFactory(shadowUrl).connectToShadowDb });
  },
});
