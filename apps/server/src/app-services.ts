/** Wires the domain services once per process; the tRPC context and the HTTP app share them. */
import type { EgressGuard } from '@patchbay/egress';
import {
  type Clock,
  type CredentialTypeRegistry,
  type NodeTypeRegistry,
  systemClock,
} from '@patchbay/engine';
import {
  createSandboxedExpressionEvaluator,
  DEFAULT_SANDBOX_MEMORY_MB,
  JSONATA_TASK,
  Sandbox,
} from '@patchbay/sandbox';
import type pg from 'pg';
import type { Logger } from 'pino';
import { type AuthConfig, DEFAULT_AUTH_CONFIG } from './auth/auth-config.ts';
import { type AuthServices, createAuthServices } from './auth/auth-services.ts';
import type { SignInThrottlePolicy } from './auth/sign-in-throttle.ts';
import {
  CONNECTORS,
  type ConnectorRegistry,
  createConnectorRegistry,
  shippedConnectors,
} from './connectors.ts';
import { CredentialService } from './credentials/credential-service.ts';
import { KeyRing } from './credentials/key-ring.ts';
import { WorkerCredentialAccess } from './credentials/worker-credential-access.ts';
import type { PrismaClient } from './db/prisma-client.ts';
import { FlowService } from './flows/flow-service.ts';
import { FlowVersionHistory } from './flows/flow-versions.ts';
import { StepTestService } from './flows/step-test-service.ts';
import { BreakerService } from './resilience/breaker-service.ts';
import { PostgresUpstreamGuard } from './resilience/postgres-upstream-guard.ts';
import { RateLimitService } from './resilience/rate-limit-service.ts';
import { DEFAULT_RETENTION_CONFIG, type RetentionConfig } from './retention/retention-config.ts';
import { type RetentionStatus, retentionStatus } from './retention/retention-status.ts';
import { FlowVersionCache } from './runs/flow-version-cache.ts';
import { QueueLoad } from './runs/queue-load.ts';
import { DEFAULT_SHED_LIMITS, type ShedLimits } from './runs/run-admission.ts';
import { RunCompletions } from './runs/run-completions.ts';
import type { RunPreviewLimits } from './runs/run-detail-query.ts';
import { RunIntake } from './runs/run-intake.ts';
import { RunService } from './runs/run-service.ts';
import { RunWatchHub } from './runs/run-watch.ts';
import { LiveStatsHub } from './stats/live-stats.ts';
import { StatsService } from './stats/stats-service.ts';
import { TriggerManager } from './triggers/trigger-manager.ts';
import { vaultSecretReader } from './webhooks/vault-secret-reader.ts';
import { WebhookCaptures } from './webhooks/webhook-captures.ts';
import { WebhookDirectory } from './webhooks/webhook-directory.ts';
import { isSyncWebhookFlow } from './webhooks/webhook-endpoint.ts';
import { WebhookIngress } from './webhooks/webhook-ingress.ts';
import { WebhookRateLimits } from './webhooks/webhook-rate-limits.ts';
import type { SecretReader } from './webhooks/webhook-secrets.ts';
import { DEFAULT_MAX_STEP_OUTPUT_BYTES } from './worker/worker-config.ts';

/** How often each process reads the run queue's load (admission control, /healthz). */
export const QUEUE_LOAD_REFRESH_MS = 500;

export type AppServices = {
  prisma: PrismaClient;
  registry: NodeTypeRegistry;
  /** The credential types of every connector (apps/server/src/connectors.ts). */
  credentialTypes: CredentialTypeRegistry;
  connectors: ConnectorRegistry;
  /** The process's egress guard (also behind the connectors' fetch); saves warn with it. */
  egress: EgressGuard;
  flows: FlowService;
  /** flows.versions, flows.version and flows.restoreVersion. */
  flowVersions: FlowVersionHistory;
  runs: RunService;
  /** Validated flows by version id, shared by run starts and the worker. */
  versions: FlowVersionCache;
  /** Admits and records new runs; executes them in this process once a worker is attached. */
  intake: RunIntake;
  /** The run queue's depth and lag, read every QUEUE_LOAD_REFRESH_MS once started. */
  queueLoad: QueueLoad;
  shedLimits: ShedLimits;
  /** Retention settings (PATCHBAY_RUN_RETENTION_DAYS, ...) and the latest pruning passes. */
  retention: { config: RetentionConfig; status(): Promise<RetentionStatus> };
  /** Shared circuit breakers and rate limits, for the executor (`executeFlow({ guard })`). */
  upstreamGuard: PostgresUpstreamGuard;
  breakers: BreakerService;
  limits: RateLimitService;
  /** Users, sessions, API tokens, first-start setup and the audit log. */
  auth: AuthServices;
  /** Runs awaited by sync webhooks: told by the worker, NOTIFYed across processes. */
  completions: RunCompletions;
  /** /hooks/<flowId or path>: the flows served, the ingress, and test-event captures. */
  webhooks: { directory: WebhookDirectory; ingress: WebhookIngress; captures: WebhookCaptures };
  /** The vault's keys (credentials/encryption-key-config.ts); workers decrypt with them. */
  keyRing: KeyRing;
  /** The credentials vault behind credentials.*. */
  credentials: CredentialService;
  /** Dashboard figures from the per-minute rollups, and the live feed (stats.live). */
  stats: StatsService;
  /**
   * flows.testStep: one node executed in this process, as a worker would (its own expression
   * sandbox, started on first need). `close` stops that sandbox on shutdown.
   */
  stepTests: { service: StepTestService; close(): Promise<void> };
  /**
   * The triggers of active flows this process serves (started by app-startup per role): the
   * webhook ingress asks it which flow serves a request, schedules tick inside it.
   */
  triggers: TriggerManager;
};

export function createAppServices(options: {
  prisma: PrismaClient;
  /** Raw pool for run starts (insert + enqueue) and the upstream guard; the caller ends it. */
  pgPool: pg.Pool;
  logger: Logger;
  egress: EgressGuard;
  /**
   * The process's egress-guarded fetch, for the connectors that call out (HTTP). Without it
   * (processes that run no flows) their calls are refused.
   */
  fetch?: typeof globalThis.fetch;
  /** Default: every connector in connectors.ts, calling out through `fetch`. */
  connectors?: ConnectorRegistry;
  auth?: AuthConfig;
  /** Sign-in throttling; tests pass tighter limits. */
  signInThrottle?: SignInThrottlePolicy;
  clock?: Clock;
  /** Preview size and per-run budget of runs.get; tests pass small ones. */
  runPreviews?: RunPreviewLimits;
  /** When new runs are refused (PATCHBAY_MAX_QUEUED_RUNS, PATCHBAY_MAX_QUEUE_WAIT_MS). */
  shedLimits?: ShedLimits;
  /** How long run history is kept (retentionConfigFromEnv); default 30 days. */
  retention?: RetentionConfig;
  /** Decrypts webhook signing secrets; default the credentials vault. */
  secrets?: SecretReader;
  /** A step test's largest output (PATCHBAY_MAX_STEP_OUTPUT_BYTES); default 8 MiB. */
  maxStepOutputBytes?: number;
  /** The vault's keys (keyRingFromEnv); default a random key that lives as long as the process (tests). */
  keyRing?: KeyRing;
  /** The clock triggers tick by (schedules); default the system clock. */
  triggerClock?: Clock;
  /** How often the trigger manager resyncs every active flow (default RESYNC_MS). */
  triggerResyncMs?: number;
}): AppServices {
  const { prisma, pgPool, egress } = options;
  const clock = options.clock ?? systemClock;
  const connectors =
    options.connectors ??
    createConnectorRegistry(
      options.fetch ? shippedConnectors({ fetch: options.fetch }) : CONNECTORS,
    );
  const registry = connectors.nodeTypes;
  const keyRing = options.keyRing ?? KeyRing.random();
  const versions = new FlowVersionCache({ pool: pgPool, registry });
  const shedLimits = options.shedLimits ?? DEFAULT_SHED_LIMITS;
  const retention = options.retention ?? DEFAULT_RETENTION_CONFIG;
  let intake: RunIntake | undefined;
  const queueLoad = new QueueLoad({
    pool: pgPool,
    refreshMs: QUEUE_LOAD_REFRESH_MS,
    isLimitedFlow: (flowId) => intake?.isLimitedFlow(flowId) ?? false,
    onError: (error) => options.logger.warn({ err: error }, 'Could not read the run queue load'),
  });
  intake = new RunIntake({
    pool: pgPool,
    versions,
    load: queueLoad,
    limits: shedLimits,
  });
  const runs = new RunService({
    prisma,
    pool: pgPool,
    versions,
    intake,
    previews: options.runPreviews,
    watcher: new RunWatchHub({
      pool: pgPool,
      logger: options.logger,
      previews: options.runPreviews,
    }),
  });
  const completions = new RunCompletions({
    pool: pgPool,
    connectionString: connectionStringOf(pgPool),
    logger: options.logger,
    isAwaitedFlow: isSyncWebhookFlow,
  });
  const triggers = new TriggerManager({
    pool: pgPool,
    versions,
    startRun: (input) => runs.start(input),
    logger: options.logger,
    ...(options.triggerClock ? { clock: options.triggerClock } : {}),
    ...(options.triggerResyncMs ? { resyncMs: options.triggerResyncMs } : {}),
  });
  const fetch = options.fetch ?? globalThis.fetch;
  const credentials = new CredentialService({
    pool: pgPool,
    keyRing,
    types: connectors.credentialTypes,
    nodeTypes: registry,
    // Credential tests obey the egress policy like runs; without a fetch (tests), the global one.
    fetch,
    clock,
  });
  const vault = new WorkerCredentialAccess({
    pool: pgPool,
    keyRing,
    types: connectors.credentialTypes,
    fetch,
    clock,
    logger: options.logger,
  });
  const webhookSecrets = vaultSecretReader(
    vault,
    connectors.credentialTypes.list().map((type) => type.type),
  );
  const flows = new FlowService({ prisma, pool: pgPool, registry, egress });
  const upstreamGuard = new PostgresUpstreamGuard({ pool: pgPool });
  const stepSandbox = new Sandbox({
    tasks: { jsonata: JSONATA_TASK },
    minProcesses: 0,
    maxProcesses: 1,
    memoryMb: DEFAULT_SANDBOX_MEMORY_MB,
    onProcessError: (error) =>
      options.logger.warn({ err: error }, "The step tests' sandbox process stopped unexpectedly"),
  });
  const directory = new WebhookDirectory(triggers);
  const captures = new WebhookCaptures();
  const ingress = new WebhookIngress({
    directory,
    intake,
    completions,
    captures,
    rateLimits: new WebhookRateLimits(),
    secrets: options.secrets ?? webhookSecrets,
    logger: options.logger.child({ component: 'webhooks' }),
  });
  return {
    prisma,
    registry,
    completions,
    webhooks: { directory, ingress, captures },
    credentialTypes: connectors.credentialTypes,
    connectors,
    egress,
    versions,
    intake,
    queueLoad,
    shedLimits,
    retention: {
      config: retention,
      status: () => retentionStatus(prisma, retention),
    },
    flows,
    flowVersions: new FlowVersionHistory({ pool: pgPool, flows }),
    runs,
    upstreamGuard,
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
    triggers,
    keyRing,
    credentials,
    stats: new StatsService({
      pool: pgPool,
      live: new LiveStatsHub({
        pool: pgPool,
        connectionString: connectionStringOf(pgPool),
        logger: options.logger,
      }),
    }),
    stepTests: {
      service: new StepTestService({
        pool: pgPool,
        registry,
        flows,
        guard: upstreamGuard,
        credentials: vault,
        expressions: createSandboxedExpressionEvaluator(stepSandbox),
        maxOutputBytes: options.maxStepOutputBytes ?? DEFAULT_MAX_STEP_OUTPUT_BYTES,
        clock,
      }),
      close: () => stepSandbox.close(),
    },
  };
}

function connectionStringOf(pool: pg.Pool): string {
  const connectionString = (pool.options as { connectionString?: string }).connectionString;
  if (!connectionString) throw new Error('The database pool has no connection string');
  return connectionString;
}
