/** The app router: one sub-router per domain. Its type is all the web app imports. */
import { breakersRouter } from './routers/breakers.ts';
import { flowsRouter } from './routers/flows.ts';
import { limitsRouter } from './routers/limits.ts';
import { nodeTypesRouter } from './routers/node-types.ts';
import { runsRouter } from './routers/runs.ts';
import { createCallerFactory, createTRPCRouter } from './trpc.ts';

export const appRouter = createTRPCRouter({
  flows: flowsRouter,
  runs: runsRouter,
  nodeTypes: nodeTypesRouter,
  breakers: breakersRouter,
  limits: limitsRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process with a real context (tests, scripts). */
export const createCaller = createCallerFactory(appRouter);
