// Prisma CLI configuration. The CLI runs from apps/server; the schema and migrations live at the
// repository root. Only `prisma generate` is used day to day (offline, see scripts/prisma-generate.mjs);
// migrations are applied by the server itself at start-up.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: '../../prisma/schema.prisma',
  migrations: { path: '../../prisma/migrations' },
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
