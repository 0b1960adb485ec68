/** The app router: one sub-router per domain. Its type is all the web app imports. */
import { auditRouter } from './routers/audit.ts';
import { authRouter } from './routers/auth.ts';
import { breakersRouter } from './routers/breakers.ts';
import { credentialsRouter } from './routers/credentials.ts';
import { flowsRouter } from './routers/flows.ts';
import { limitsRouter } from './routers/limits.ts';
import { nodeTypesRouter } from './routers/node-types.ts';
import { runsRouter } from './routers/runs.ts';
import { statsRouter } from './routers/stats.ts';
import { systemRouter } from './routers/system.ts';
import { tokensRouter } from './routers/tokens.ts';
import { triggersRouter } from './routers/triggers.ts';
import { usersRouter } from './routers/users.ts';
import { webhooksRouter } from './routers/webhooks.ts';
import { createCallerFactory, createTRPCRouter } from './trpc.ts';

export const appRouter = createTRPCRouter({
  flows: flowsRouter,
  runs: runsRouter,
  nodeTypes: nodeTypesRouter,
  breakers: breakersRouter,
  limits: limitsRouter,
  auth: authRouter,
  users: usersRouter,
  tokens: tokensRouter,
  credentials: credentialsRouter,
  audit: auditRouter,
  system: systemRouter,
  webhooks: webhooksRouter,
  triggers: triggersRouter,
  stats: statsRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process with a real context (tests, scripts). */
export const createCaller = createCallerFactory(appRouter);
