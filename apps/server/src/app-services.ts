/** Wires the domain services once per process; the tRPC context and the HTTP app share them. */
import { type Clock, createDefaultRegistry, type NodeTypeRegistry } from '@patchbay/engine';
import type { Logger } from 'pino';
import type { PrismaClient } from './db/prisma-client.ts';
import { FlowService } from './flows/flow-service.ts';
import { InProcessRunDispatcher } from './runs/run-dispatcher.ts';
import { RunExecutor } from './runs/run-executor.ts';
import { RunService } from './runs/run-service.ts';

export type AppServices = {
  prisma: PrismaClient;
  registry: NodeTypeRegistry;
  flows: FlowService;
  runs: RunService;
  dispatcher: InProcessRunDispatcher;
};

export function createAppServices(options: {
  prisma: PrismaClient;
  logger: Logger;
  registry?: NodeTypeRegistry;
  clock?: Clock;
  fetch?: typeof fetch;
}): AppServices {
  const { prisma, logger } = options;
  const registry = options.registry ?? createDefaultRegistry();
  const executor = new RunExecutor({
    prisma,
    registry,
    logger: logger.child({ component: 'run-executor' }),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const dispatcher = new InProcessRunDispatcher(
    executor,
    logger.child({ component: 'run-dispatcher' }),
  );
  return {
    prisma,
    registry,
    dispatcher,
    flows: new FlowService({ prisma, registry }),
    runs: new RunService({ prisma, registry, dispatcher }),
  };
}
