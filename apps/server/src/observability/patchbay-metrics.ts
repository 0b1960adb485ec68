/**
 * The process's Prometheus metrics (prom-client), served at /metrics (metrics-route.ts). One
 * registry per process: the run intake, the worker, the step recorder, the upstream guard and
 * the webhook routes count into it directly (counters and histograms only, no query per run);
 * gauges that describe shared state (queue depth) are read from their owner at scrape time.
 * Labels are bounded: no run or flow ids, node types come from the registry, statuses from a
 * fixed set, and upstream targets are capped at MAX_TARGET_LABELS (the rest read "other").
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Distinct `target` label values kept; later targets are counted as OTHER_TARGET. */
export const MAX_TARGET_LABELS = 100;
export const OTHER_TARGET = 'other';

/** patchbay_breaker_state's value per state. */
export const BREAKER_STATE_VALUE = { closed: 0, half_open: 1, open: 2 } as const;
export type BreakerStateName = keyof typeof BREAKER_STATE_VALUE;

const RUN_DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];
const STEP_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120];
const WAIT_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export class PatchbayMetrics {
  readonly registry = new Registry();
  readonly runsStarted: Counter;
  readonly runsFinished: Counter<'status'>;
  readonly runDuration: Histogram;
  readonly stepDuration: Histogram<'node_type'>;
  readonly stepAttempts: Counter<'node_type' | 'outcome'>;
  readonly runsInFlight: Gauge;
  readonly breakerState: Gauge<'target'>;
  readonly rateLimitWait: Histogram;
  readonly webhookRequests: Counter<'status'>;
  private readonly targets = new Set<string>();
  private queueDepthSource: (() => number) | undefined;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.runsStarted = new Counter({
      name: 'patchbay_runs_started_total',
      help: 'Runs recorded (API, webhooks, schedules, retries).',
      registers,
    });
    this.runsFinished = new Counter({
      name: 'patchbay_runs_finished_total',
      help: 'Runs finished by this process, by final status.',
      labelNames: ['status'],
      registers,
    });
    this.runDuration = new Histogram({
      name: 'patchbay_run_duration_seconds',
      help: 'From a run starting to its final status, for runs finished by this process.',
      buckets: RUN_DURATION_BUCKETS,
      registers,
    });
    this.stepDuration = new Histogram({
      name: 'patchbay_step_duration_seconds',
      help: 'Duration of step attempts that finished (succeeded or failed), by node type.',
      labelNames: ['node_type'],
      buckets: STEP_DURATION_BUCKETS,
      registers,
    });
    this.stepAttempts = new Counter({
      name: 'patchbay_step_attempts_total',
      help: 'Step attempts that finished, by node type and outcome (succeeded, failed).',
      labelNames: ['node_type', 'outcome'],
      registers,
    });
    this.runsInFlight = new Gauge({
      name: 'patchbay_runs_in_flight',
      help: 'Runs executing in this process now.',
      registers,
    });
    const metrics = this;
    new Gauge({
      name: 'patchbay_queue_depth',
      help: 'Runs waiting for a worker (status queued), every process, as last read.',
      registers,
      collect() {
        const depth = metrics.queueDepthSource?.();
        if (depth !== undefined) this.set(depth);
      },
    });
    this.breakerState = new Gauge({
      name: 'patchbay_breaker_state',
      help: `Circuit breaker state per upstream target as last seen by this process (0 closed, 1 half-open, 2 open); at most ${MAX_TARGET_LABELS} targets, the rest as "${OTHER_TARGET}".`,
      labelNames: ['target'],
      registers,
    });
    this.rateLimitWait = new Histogram({
      name: 'patchbay_rate_limit_wait_seconds',
      help: 'Waits the upstream guard handed out (rate limit or 429 back-off).',
      buckets: WAIT_BUCKETS,
      registers,
    });
    this.webhookRequests = new Counter({
      name: 'patchbay_webhook_requests_total',
      help: 'Requests to /hooks, by HTTP status answered.',
      labelNames: ['status'],
      registers,
    });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Where patchbay_queue_depth is read from at scrape time (the process's QueueLoad). */
  readQueueDepthFrom(source: (() => number) | undefined): void {
    this.queueDepthSource = source;
  }

  /** The `target` label for an upstream: itself while fewer than MAX_TARGET_LABELS are known. */
  targetLabel(target: string): string {
    if (this.targets.has(target)) return target;
    if (this.targets.size >= MAX_TARGET_LABELS) return OTHER_TARGET;
    this.targets.add(target);
    return target;
  }

  noteBreakerState(target: string, state: BreakerStateName): void {
    this.breakerState.set({ target: this.targetLabel(target) }, BREAKER_STATE_VALUE[state]);
  }

  noteRateLimitWait(waitMs: number): void {
    this.rateLimitWait.observe(Math.max(0, waitMs) / 1000);
  }

  noteStepFinished(nodeType: string, outcome: 'succeeded' | 'failed', durationMs: number): void {
    this.stepAttempts.inc({ node_type: nodeType, outcome });
    this.stepDuration.observe({ node_type: nodeType }, Math.max(0, durationMs) / 1000);
  }

  noteRunFinished(status: string, durationMs: number): void {
    this.runsFinished.inc({ status });
    this.runDuration.observe(Math.max(0, durationMs) / 1000);
  }

  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** The process's metrics: every part of a process counts into the same registry. */
export const processMetrics = new PatchbayMetrics();
