/**
 * Executes the run of one queue job: claim it with a lease, resume what an earlier execution
 * left, run the engine, and record the outcome: final, suspended until a long wait is over, or
 * handed back when this process shuts down. A job for a run that is finished, cancelled or held
 * by another live worker is a no-op, so a duplicate or stale job is harmless.
 */
import {
  type Clock,
  type CredentialAccess,
  DEFAULT_RUN_TIMEOUT_MS,
  type ExpressionEvaluator,
  executeFlow,
  FlowValidationError,
  PatchbayError,
  type RunOutcome,
  type SerializedError,
  type StepEventSink,
  systemClock,
  type UpstreamGuard,
} from '@patchbay/engine';
import type pg from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isTransientDatabaseError } from '../db/transient-error.ts';
import { processMetrics } from '../observability/patchbay-metrics.ts';
import {
  NOOP_RUN_SPAN,
  NOOP_RUN_TRACER,
  type RunSpan,
  type RunTracer,
} from '../observability/run-tracer.ts';
import type { CachedFlowVersion, FlowVersionCache } from '../runs/flow-version-cache.ts';
import { USER_CANCELLED_ERROR } from '../runs/run-cancellation.ts';
import type { RunCompletionSink } from '../runs/run-completions.ts';
import { RUN_STATUS } from '../runs/run-status.ts';
import { serializeError } from '../runs/serialize-error.ts';
import { isUuid } from '../uuid.ts';
import { ExecutionSlots } from './execution-slots.ts';
import { resumeStateOf } from './resume-state.ts';
import { type ClaimedRun, type FinalStatus, RunStore } from './run-store.ts';
import { StepRecorder } from './step-recorder.ts';
import { StepSequence } from './step-sequence.ts';

const uuid = z.string().refine(isUuid, 'must be a UUID');
const payloadSchema = z.object({ runId: uuid, flowVersionId: uuid.optional() });

/** After a database hiccup the run is tried again this much later. */
const TRANSIENT_RETRY_MS = 1_000;

/** Why this worker stops a run it executes. */
export type StopReason = 'cancel' | 'shutdown' | 'lease-lost';

const STOP_ERRORS: Record<StopReason, () => PatchbayError> = {
  cancel: () => new PatchbayError(USER_CANCELLED_ERROR.code, USER_CANCELLED_ERROR.message),
  shutdown: () =>
    new PatchbayError('WORKER_STOPPING', 'The worker is shutting down; the run resumes elsewhere'),
  'lease-lost': () =>
    new PatchbayError('LEASE_LOST', 'The run was taken over by another worker (lease expired)'),
};

type Execution = {
  runId: string;
  controller: AbortController;
  stop: StopReason | undefined;
  recorder: StepRecorder | undefined;
  /** The final statement is under way: the lease is being given up on purpose. */
  settling: boolean;
  /** For an awaited run: the output of the last step that succeeded in this execution. */
  lastOutput: unknown;
  /** The process logger with this run's flowId and runId on every line. */
  log: Logger;
  /** This execution's trace span (a no-op one unless tracing is on). */
  span: RunSpan;
  done: Promise<void>;
};

export type RunWorkerDeps = {
  pool: pg.Pool;
  versions: FlowVersionCache;
  /** Each execution logs through a child carrying its flowId and runId. */
  logger: Logger;
  /** This process's id in `workers`; the lease owner of the runs it executes. */
  workerId: string;
  leaseMs: number;
  /** Runs executed at once, inline and from the queue together. */
  concurrency: number;
  inlineWaitMaxMs: number;
  /** A run interrupted this many times is failed with POISON_RUN instead of resumed. */
  maxRunExecutions: number;
  /** Evaluates the runs' JSONata; default the engine's, in process. */
  expressions?: ExpressionEvaluator;
  /** A larger step output fails its step with OUTPUT_TOO_LARGE. */
  maxStepOutputBytes: number;
  guard?: UpstreamGuard;
  clock?: Clock;
  /** Told when an awaited run (a sync webhook's) finishes; its finish is also NOTIFYed. */
  completions?: RunCompletionSink | undefined;
  /** The credentials vault, decrypting at call time (ctx.credential, ctx.connection). */
  credentials?: CredentialAccess;
  /** Spans of runs and steps (OpenTelemetry); default none. */
  tracer?: RunTracer;
};

export class RunWorker {
  private readonly store: RunStore;
  private readonly clock: Clock;
  private readonly tracer: RunTracer;
  private readonly executions = new Map<string, Execution>();
  private readonly slots: ExecutionSlots;
  private stopping = false;

  constructor(private readonly deps: RunWorkerDeps) {
    this.store = new RunStore(deps.pool);
    this.slots = new ExecutionSlots(deps.concurrency);
    this.clock = deps.clock ?? systemClock;
    this.tracer = deps.tracer ?? NOOP_RUN_TRACER;
  }

  /** The graphile-worker task. Rejects only when the database failed; the job is then retried. */
  async handle(payload: unknown): Promise<void> {
    const parsed = payloadSchema.safeParse(payload);
    if (!parsed.success) {
      // Retrying cannot fix a malformed payload; nothing of ours writes one.
      this.deps.logger.error(
        { payload, issues: parsed.error.issues },
        'Ignoring a malformed run job',
      );
      return;
    }
    const { runId, flowVersionId } = parsed.data;
    // Executing here already (a job re-added while this process stalled): let that one finish.
    if (this.executions.has(runId)) return;
    const versionId = flowVersionId ?? (await this.store.flowVersionOf(runId));
    if (!versionId) return; // deleted with its flow

    let version: CachedFlowVersion | undefined;
    let invalid: unknown;
    try {
      version = await this.deps.versions.get(versionId);
      if (!version) return; // deleted with its flow
    } catch (error) {
      // Not runnable (edited in the database, or a node type that no longer exists): the run is
      // claimed all the same, to be recorded as failed. Any other error (the database) is thrown:
      // graphile-worker retries the job.
      if (!(error instanceof FlowValidationError)) throw error;
      invalid = error;
    }

    await this.slots.acquire();
    try {
      const limit = version?.maxConcurrentRuns;
      const claim = await this.store.claim({
        runId,
        owner: this.deps.workerId,
        leaseMs: this.deps.leaseMs,
        runTimeoutMs: version?.runTimeoutMs ?? DEFAULT_RUN_TIMEOUT_MS,
        slots: version && limit !== undefined ? { flowId: version.flowId, limit } : undefined,
      });
      if (claim.kind !== 'claimed') {
        this.deps.logger.debug(
          { flowId: version?.flowId, runId, result: claim.kind },
          'Run job needs no execution now',
        );
        return;
      }
      await this.track(claim.run, version, invalid);
    } finally {
      this.slots.release();
    }
  }

  /**
   * Takes an execution slot for a run started inline (see RunIntake), or returns false when
   * none is free. The caller either inserts the run claimed by this worker and calls
   * executeInline, or gives the slot back with releaseInlineSlot.
   */
  reserveInlineSlot(): boolean {
    return !this.stopping && this.slots.tryAcquire();
  }

  releaseInlineSlot(): void {
    this.slots.release();
  }

  /**
   * Executes a run that was inserted already claimed by this worker (its lease set in the
   * insert), in the slot reserved for it. No job exists for it: should this process die, the
   * lease sweeper of any worker frees the run once the lease expires and queues its job.
   */
  async executeInline(run: ClaimedRun, version: CachedFlowVersion): Promise<void> {
    try {
      await this.track(run, version, undefined, true);
    } catch (error) {
      // Only the database can make an execution throw: the lease then expires unrenewed, and
      // the sweeper hands the run to the queue.
      this.deps.logger.warn(
        { err: error, flowId: run.flowId, runId: run.id },
        'Inline run could not be recorded',
      );
    } finally {
      this.slots.release();
    }
  }

  /** Stops taking inline runs (shutdown); queued ones are the queue runner's to stop. */
  stopInline(): void {
    this.stopping = true;
  }

  /** Executes a claimed run, known to stop(), idle() and the heartbeat while it executes. */
  private async track(
    run: ClaimedRun,
    version: CachedFlowVersion | undefined,
    invalid: unknown,
    inline = false,
  ): Promise<void> {
    let finished!: () => void;
    const execution: Execution = {
      runId: run.id,
      controller: new AbortController(),
      stop: undefined,
      recorder: undefined,
      settling: false,
      lastOutput: undefined,
      log: this.deps.logger.child({ flowId: run.flowId, runId: run.id }),
      span: this.tracer.enabled
        ? this.tracer.startRun({
            runId: run.id,
            flowId: run.flowId,
            flowName: version?.flow.document.name,
            trigger: run.trigger,
            execution: run.executions,
          })
        : NOOP_RUN_SPAN,
      done: new Promise<void>((resolve) => {
        finished = resolve;
      }),
    };
    this.executions.set(run.id, execution);
    processMetrics.runsInFlight.inc();
    const completions =
      version && this.deps.completions?.awaited(version.flow) ? this.deps.completions : undefined;
    completions?.executing(run.id, { inline });
    try {
      await this.execute(run, version, invalid, execution);
    } finally {
      // Every path that records an outcome ended the span with it; this one is a crash.
      execution.span.end({ status: 'interrupted' });
      this.executions.delete(run.id);
      processMetrics.runsInFlight.dec();
      completions?.executed(run.id);
      finished();
    }
  }

  /** Ids of the runs executing here whose lease the heartbeat renews. */
  leasedRunIds(): string[] {
    const ids: string[] = [];
    for (const execution of this.executions.values()) {
      if (!execution.settling && execution.stop !== 'lease-lost') ids.push(execution.runId);
    }
    return ids;
  }

  /** The lease owner of the runs executed here. */
  get workerId(): string {
    return this.deps.workerId;
  }

  get leaseMs(): number {
    return this.deps.leaseMs;
  }

  get activeRuns(): number {
    return this.executions.size;
  }

  /** Stops a run executing here. True when it was executing here. */
  stop(runId: string, reason: StopReason): boolean {
    const execution = this.executions.get(runId);
    if (!execution || execution.settling) return false;
    if (execution.stop === undefined) {
      execution.stop = reason;
      this.fenceRecorder(execution);
      execution.controller.abort(STOP_ERRORS[reason]());
    }
    return true;
  }

  /** Hands every executing run back to the queue (shutdown after the grace period). */
  stopAll(reason: StopReason): void {
    for (const runId of [...this.executions.keys()]) this.stop(runId, reason);
  }

  /** Resolves when no run executes here (including runs that start while waiting). */
  async idle(): Promise<void> {
    while (this.executions.size > 0) {
      await Promise.all([...this.executions.values()].map((execution) => execution.done));
    }
  }

  private async execute(
    run: ClaimedRun,
    version: CachedFlowVersion | undefined,
    invalid: unknown,
    execution: Execution,
  ): Promise<void> {
    const logger = execution.log;
    if (!version) {
      logger.error({ err: invalid }, 'Run cannot execute: its flow version is invalid');
      await this.finish(run, undefined, execution, RUN_STATUS.failed, serializeError(invalid));
      return;
    }
    if (run.cancelRequested) {
      await this.finish(run, version, execution, RUN_STATUS.cancelled, USER_CANCELLED_ERROR);
      return;
    }
    if (run.interruptions >= this.deps.maxRunExecutions) {
      // This many of its executions ended with the worker dead or stalled: the run may be what
      // kills them. It stops here rather than take down the next worker too.
      logger.error(
        { interruptions: run.interruptions },
        'Failing a poison run: its executions keep being interrupted',
      );
      const error = poisonRunError(run.interruptions, this.deps.maxRunExecutions);
      await this.finish(run, version, execution, RUN_STATUS.failed, error);
      return;
    }
    const resumed = run.executions > 1 || run.retryOfRunId !== null;
    const persisted = resumed ? await this.store.loadSteps(run.id) : [];
    const resume = resumed ? resumeStateOf(persisted) : undefined;
    if (resumed) logger.info({ executions: run.executions }, 'Resuming run');
    if (resume && this.tracer.enabled) {
      for (const node of resume.waiting ?? []) execution.span.waited(node.nodeId, node.reason);
    }
    const recorder = new StepRecorder({
      pool: this.deps.pool,
      runId: run.id,
      flow: version.flow,
      waitingSince: resume?.waitingSince,
      maxOutputBytes: this.deps.maxStepOutputBytes,
      log: logger,
      sequence: new StepSequence(persisted),
    });
    execution.recorder = recorder;
    this.fenceRecorder(execution);

    const awaited = this.deps.completions?.awaited(version.flow) === true;
    const record: StepEventSink = awaited
      ? (event) => {
          // The sync webhook's answer: the output of the last node to finish.
          if (event.type === 'step.succeeded') execution.lastOutput = event.output;
          return recorder.record(event);
        }
      : recorder.record;
    const span = execution.span;
    let outcome: RunOutcome;
    try {
      outcome = await executeFlow({
        flow: version.flow,
        runId: run.id,
        triggerInput: run.input ?? undefined,
        onEvent: this.tracer.enabled
          ? (event) => {
              span.step(event);
              return record(event);
            }
          : record,
        clock: this.clock,
        signal: execution.controller.signal,
        ...(resume ? { resume } : {}),
        deadline: run.deadlineAt,
        inlineWaitMaxMs: this.deps.inlineWaitMaxMs,
        ...(this.deps.expressions ? { expressions: this.deps.expressions } : {}),
        ...(recorder.outputLimit ? { outputLimit: recorder.outputLimit } : {}),
        ...(this.deps.guard ? { guard: this.deps.guard } : {}),
        ...(this.deps.credentials ? { credentials: this.deps.credentials } : {}),
      });
    } catch (thrown) {
      // A step could not be persisted. When the database is briefly unavailable the run is
      // handed back to try again shortly; if even that fails, the error reaches graphile-worker
      // (the job is retried) and the lease, no longer renewed, expires so that the run resumes.
      if (execution.stop === 'lease-lost') {
        span.end({ status: 'lease_lost' });
        return;
      }
      if (isTransientDatabaseError(thrown)) {
        logger.warn({ err: thrown }, 'Could not persist a step; retrying the run');
        const until = new Date(this.clock.now().getTime() + TRANSIENT_RETRY_MS);
        await this.park(run, version, execution, until, 'handed_back');
        return;
      }
      logger.error({ err: thrown }, 'Run crashed inside the executor');
      await this.finish(run, version, execution, RUN_STATUS.failed, serializeError(thrown));
      return;
    }

    switch (execution.stop) {
      case 'lease-lost':
        span.end({ status: 'lease_lost' });
        logger.warn('Lost the lease of a run; another worker continues it');
        return;
      case 'shutdown':
        await this.park(
          run,
          version,
          execution,
          new Date(this.clock.now().getTime()),
          'handed_back',
        );
        logger.info('Handed a run back to the queue on shutdown');
        return;
      default:
    }
    if (outcome.status === 'waiting' && outcome.waiting) {
      await this.park(run, version, execution, outcome.waiting.resumeAt, 'suspended');
      logger.debug({ resumeAt: outcome.waiting.resumeAt }, 'Run suspended');
      return;
    }
    const status: FinalStatus = outcome.status === 'waiting' ? RUN_STATUS.failed : outcome.status;
    await this.finish(run, version, execution, status, errorOf(outcome, execution.stop));
  }

  private async finish(
    run: ClaimedRun,
    version: CachedFlowVersion | undefined,
    execution: Execution,
    status: FinalStatus,
    error: SerializedError | null,
  ): Promise<void> {
    execution.settling = true;
    const steps = execution.recorder ? await execution.recorder.drain() : [];
    const completions = this.deps.completions;
    const awaited = version !== undefined && completions?.awaited(version.flow) === true;
    const notify = awaited && completions?.notifyOnFinish(run.id) === true;
    const recorded = await this.store.finish({
      runId: run.id,
      owner: this.deps.workerId,
      status,
      error,
      steps,
      limitedFlowId: version?.maxConcurrentRuns === undefined ? undefined : version.flowId,
      notify,
    });
    if (!recorded) {
      execution.span.end({ status: 'lease_lost' });
      execution.log.warn(
        { status },
        'Run was taken over by another worker, or deleted with its flow; its outcome here is dropped',
      );
      return;
    }
    execution.span.end({ status, error });
    processMetrics.noteRunFinished(status, this.clock.now().getTime() - run.startedAt.getTime());
    if (awaited) {
      completions?.finished({ runId: run.id, status, error, output: execution.lastOutput }, notify);
    }
    execution.log.debug({ status, error: error?.code }, 'Run finished');
  }

  private async park(
    run: ClaimedRun,
    version: CachedFlowVersion,
    execution: Execution,
    until: Date,
    why: 'suspended' | 'handed_back',
  ): Promise<void> {
    execution.settling = true;
    const steps = execution.recorder ? await execution.recorder.drain() : [];
    const parked = await this.store.park({
      runId: run.id,
      owner: this.deps.workerId,
      until,
      steps,
      limitedFlowId: version.maxConcurrentRuns === undefined ? undefined : version.flowId,
    });
    execution.span.end({ status: parked ? why : 'lease_lost' });
    if (!parked) {
      execution.log.warn('Run was taken over before it could be suspended');
    }
  }

  /** After a stop, nothing more is recorded; on a lost lease not even what is buffered. */
  private fenceRecorder(execution: Execution): void {
    if (execution.stop === undefined || execution.stop === 'cancel') return;
    execution.recorder?.fence({ discard: execution.stop === 'lease-lost' });
  }
}

/** Not retried: the run would be interrupted again. runs.retry starts it afresh if wanted. */
export function poisonRunError(interruptions: number, maxExecutions: number): SerializedError {
  return {
    code: 'POISON_RUN',
    message:
      `The run was interrupted ${interruptions} times: each time, the worker executing it died ` +
      'or stopped responding and lost its lease. It is not resumed again, so that it cannot ' +
      `take down more workers (at most ${maxExecutions} executions, PATCHBAY_MAX_RUN_EXECUTIONS).`,
    retryable: false,
    details: { interruptions, maxExecutions },
  };
}

function errorOf(outcome: RunOutcome, stop: StopReason | undefined): SerializedError | null {
  if (outcome.status === 'cancelled' && stop === 'cancel') return USER_CANCELLED_ERROR;
  if (!outcome.error) return null;
  return outcome.failedNodeId
    ? { ...outcome.error, nodeId: outcome.error.nodeId ?? outcome.failedNodeId }
    : outcome.error;
}
