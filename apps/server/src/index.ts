/**
 * @patchbay/server's public surface. The web app imports only `type AppRouter` (and the view
 * types); tests and scripts use the factories.
 */
export type { AppServices } from './app-services.ts';
export { createAppServices } from './app-services.ts';
export { migrateDatabase } from './db/migrate.ts';
export { createPrismaClient } from './db/prisma-client.ts';
export type { SaveWarning } from './flows/egress-warnings.ts';
export type { FlowDetail, FlowSummary, SavedFlow } from './flows/flow-views.ts';
export { createApp } from './http/app.ts';
export type { RunStatus, RunTrigger, StepStatus } from './runs/run-status.ts';
export type { RunDetail, RunSummary, StepRunView } from './runs/run-views.ts';
export { type AppRouter, appRouter, createCaller } from './trpc/root.ts';
