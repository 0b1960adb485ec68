/** Builds tRPC contexts: per request over HTTP, or for in-process callers (tests, scripts). */
import type { AppServices } from '../app-services.ts';
import { type Principal, type RequestOrigin, UNKNOWN_ORIGIN } from '../auth/principal.ts';
import type { TrpcContext } from './trpc.ts';

export type { TrpcContext };

/** The services every context shares. */
export function servicesContext(services: AppServices): Omit<TrpcContext, 'principal' | 'origin'> {
  return {
    flows: services.flows,
    flowVersions: services.flowVersions,
    runs: services.runs,
    registry: services.registry,
    breakers: services.breakers,
    limits: services.limits,
    auth: services.auth,
    queueLoad: services.queueLoad,
    shedLimits: services.shedLimits,
    retention: services.retention,
    webhooks: services.webhooks,
    credentials: services.credentials,
    stats: services.stats,
    stepTests: services.stepTests.service,
  };
}

/** A context acting as `principal` (null: anonymous). */
export function contextFor(
  services: AppServices,
  principal: Principal | null,
  origin: RequestOrigin = UNKNOWN_ORIGIN,
): TrpcContext {
  return { ...servicesContext(services), principal, origin };
}
