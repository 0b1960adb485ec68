/** Wires the domain services once per process; the tRPC context and the HTTP app share them. */
import type { EgressGuard } from '@patchbay/egress';
import {
  type Clock,
  createDefaultRegistry,
  type NodeTypeRegistry,
  systemClock,
} from '@patchbay/engine';
import type pg from 'pg';
import type { Logger } from 'pino';
import { type AuthConfig, DEFAULT_AUTH_CONFIG } from './auth/auth-config.ts';
import { type AuthServices, createAuthServices } from './auth/auth-services.ts';
import type { SignInThrottlePolicy } from './auth/sign-in-throttle.ts';
import type { PrismaClient } from './db/prisma-client.ts';
import { FlowService } from './flows/flow-service.ts';
import { BreakerService } from './resilience/breaker-service.ts';
import { PostgresUpstreamGuard } from './resilience/postgres-upstream-guard.ts';
import { RateLimitService } from './resilience/rate-limit-service.ts';
import { FlowVersionCache } from './runs/flow-version-cache.ts';
import type { RunPreviewLimits } from './runs/run-detail-query.ts';
import { RunService } from './runs/run-service.ts';

export type AppServices = {
  prisma: PrismaClient;
  registry: NodeTypeRegistry;
  /** The process's egress guard (also behind the worker's fetch); saves warn with it. */
  egress: EgressGuard;
  flows: FlowService;
  runs: RunService;
  /** Validated flows by version id, shared by run starts and the worker. */
  versions: FlowVersionCache;
  /** Shared circuit breakers and rate limits, for the executor (`executeFlow({ guard })`). */
  upstreamGuard: PostgresUpstreamGuard;
  breakers: BreakerService;
  limits: RateLimitService;
  /** Users, sessions, API tokens, first-start setup and the audit log. */
  auth: AuthServices;
};

export function createAppServices(options: {
  prisma: PrismaClient;
  /** Raw pool for run starts (insert + enqueue) and the upstream guard; the caller ends it. */
  pgPool: pg.Pool;
  logger: Logger;
  egress: EgressGuard;
  registry?: NodeTypeRegistry;
  auth?: AuthConfig;
  /** Sign-in throttling; tests pass tighter limits. */
  signInThrottle?: SignInThrottlePolicy;
  clock?: Clock;
  /** Preview size and per-run budget of runs.get; tests pass small ones. */
  runPreviews?: RunPreviewLimits;
}): AppServices {
  const { prisma, pgPool, egress } = options;
  const clock = options.clock ?? systemClock;
  const registry = options.registry ?? createDefaultRegistry();
  const versions = new FlowVersionCache({ pool: pgPool, registry });
  return {
    prisma,
    registry,
    egress,
    versions,
    flows: new FlowService({ prisma, pool: pgPool, registry, egress }),
    runs: new RunService({ prisma, pool: pgPool, versions, previews: options.runPreviews }),
    upstreamGuard: new PostgresUpstreamGuard({ pool: pgPool }),
    breakers: new BreakerService({ pool: pgPool }),
    limits: new RateLimitService({ pool: pgPool }),
    auth: createAuthServices({
      prisma,
      pool: pgPool,
      clock,
      logger: options.logger,
      config: options.auth ?? DEFAULT_AUTH_CONFIG,
      ...(options.signInThrottle ? { throttle: options.signInThrottle } : {}),
    }),
  };
}
