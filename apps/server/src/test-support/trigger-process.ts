/**
 * Another process's trigger side on a test app's database, in this test process: its own pools,
 * services and trigger manager, as a second `--role=worker` (or `server`) would have. For tests
 * of what reaches every process (NOTIFY), without spawning one.
 */
import { EgressGuard } from '@patchbay/egress';
import type { Clock } from '@patchbay/engine';
import pino from 'pino';
import { type AppServices, createAppServices } from '../app-services.ts';
import type { ConnectorRegistry } from '../connectors.ts';
import { createPgPool } from '../db/pg-pool.ts';
import { createPrismaClient } from '../db/prisma-client.ts';
import type { TriggerHost } from '../triggers/trigger-manager.ts';

export type TriggerProcess = { services: AppServices; close(): Promise<void> };

export async function startTriggerProcess(options: {
  databaseUrl: string;
  hosts: readonly TriggerHost[];
  connectors?: ConnectorRegistry;
  clock?: Clock;
}): Promise<TriggerProcess> {
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const prisma = createPrismaClient(options.databaseUrl);
  const pgPool = createPgPool(options.databaseUrl, logger, { max: 4 });
  const services = createAppServices({
    prisma,
    pgPool,
    logger,
    egress: await EgressGuard.create(),
    ...(options.connectors ? { connectors: options.connectors } : {}),
    ...(options.clock ? { triggerClock: options.clock } : {}),
  });
  await services.triggers.start({ connectionString: options.databaseUrl, hosts: options.hosts });
  return {
    services,
    async close() {
      await services.triggers.stop();
      await services.auth.audit.close();
      await prisma.$disconnect();
      await pgPool.end();
    },
  };
}
