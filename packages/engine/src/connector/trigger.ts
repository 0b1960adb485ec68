/**
 * Triggers with a lifecycle. A trigger node type (webhook, schedule, and next, queue consumers)
 * declares `activate`, which the server calls in each process that serves the trigger when a
 * flow is switched on, and again (after deactivating the old one) when an active flow changes.
 * The activation it returns is deactivated when the flow is switched off, changed, deleted, or
 * the process stops.
 */
import type { Clock } from '../clock.ts';

/**
 * How a run was started. The database enforces the list (runs_trigger_check). `error`: the run
 * of an error flow, started because a run of another flow failed (settings.errorFlowId).
 */
export const RUN_TRIGGER_KINDS = ['manual', 'api', 'webhook', 'schedule', 'error'] as const;
export type RunTriggerKind = (typeof RUN_TRIGGER_KINDS)[number];

export type TriggerStartOptions = {
  /** Starts with the same key (per flow) return the first run instead of a second. */
  idempotencyKey?: string;
};

export type TriggerStartResult = { runId: string; deduplicated: boolean };

export type TriggerContext<Config> = {
  flowId: string;
  flowName: string;
  /** The active flow version the trigger serves; runs it starts execute this version. */
  flowVersionId: string;
  nodeId: string;
  config: Config;
  clock: Clock;
  /**
   * Since when this flow version has been the active one: the later of the flow's switch-on and
   * the version's save. Occurrences before it were never due (a schedule's catch-up uses it).
   */
  activeSince: Date;
  /** Aborted when the activation ends. */
  signal: AbortSignal;
  /** Starts a run of this flow version with `input` as the trigger's output. */
  startRun(input: unknown, options?: TriggerStartOptions): Promise<TriggerStartResult>;
  /**
   * Claims a one-off occurrence (a schedule tick) across every process: resolves true for
   * exactly one caller per key and flow, false for the rest.
   */
  claimOnce(key: string): Promise<boolean>;
  /** Runs of this flow that are queued or running now (a schedule's `overlap: skip` asks). */
  runsInFlight(): Promise<number>;
  log: {
    info(message: string, fields?: Record<string, unknown>): void;
    warn(message: string, fields?: Record<string, unknown>): void;
  };
};

export type TriggerActivation = {
  deactivate(): Promise<void>;
  /** For the inspector and the trigger list, e.g. the next fire times. */
  describe?(): Record<string, unknown>;
};

export type TriggerDefinition<Config> = {
  /** The run trigger kind of runs this trigger starts. */
  kind: RunTriggerKind;
  /**
   * Which processes serve it: `server` (it receives HTTP, like a webhook) or `worker` (it
   * polls, ticks or consumes, like a schedule).
   */
  servedBy: 'server' | 'worker';
  /** Omitted for triggers served by the server's own ingress (webhooks). */
  activate?(context: TriggerContext<Config>): Promise<TriggerActivation>;
};
