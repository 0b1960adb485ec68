/**
 * Persists one execution's step events. The executor awaits each event before dependent steps
 * start, so what is written here is what a resumed run trusts.
 *
 * Steps with side effects are written as they happen: step.started before the call (a crash
 * mid-call then shows as a lost attempt, and the retry reuses the idempotency key), the outcome
 * right after. Pure steps (node type `sideEffects: false`) run again harmlessly after a crash, so
 * their started/succeeded rows, and every skipped row, are buffered and written in one batch: with
 * the next side-effecting write, before the run suspends, or in the run's final statement.
 * Writes are serialised, so a later state of a row never lands before an earlier one.
 */
import type { StepEvent, StepOutputLimit, ValidatedFlow } from '@patchbay/engine';
import type pg from 'pg';
import type { Logger } from 'pino';
import { processMetrics } from '../observability/patchbay-metrics.ts';
import { STEP_STATUS } from '../runs/run-status.ts';
import { SerializedValues } from './serialized-values.ts';
import { type StepRow, serializeStepRows, upsertStepsSql } from './step-rows.ts';
import { StepSequence } from './step-sequence.ts';

/** Skipped nodes were never attempted; they are recorded as attempt 0. */
export const SKIPPED_ATTEMPT = 0;

/** Named: parsed and planned once per connection. */
const UPSERT_STEPS = { name: 'patchbay_upsert_steps', text: upsertStepsSql('$1::uuid', '$2') };

export type StepRecorderDeps = {
  pool: pg.Pool;
  runId: string;
  flow: ValidatedFlow;
  /** From the resumed run: since when each node has waited for a rate-limit token. */
  waitingSince?: Readonly<Record<string, Date>> | undefined;
  /** Largest step output stored (serialised JSON); a larger one fails its step. */
  maxOutputBytes?: number | undefined;
  /**
   * The run's logger (flowId, runId): every step event is a debug line with nodeId and
   * attempt. Skipped entirely when debug is off.
   */
  log?: Logger | undefined;
  /** The run's step order so far (a resumed run's or a retry's persisted rows); empty if new. */
  sequence?: StepSequence | undefined;
};

export class StepRecorder {
  /** Rows not written yet, by (node, attempt); a later event replaces the earlier row. */
  private pending = new Map<string, StepRow>();
  /** The latest row of every (node, attempt) this execution produced. */
  private readonly latest = new Map<string, StepRow>();
  private writes: Promise<void> = Promise.resolve();
  private fenced = false;
  private readonly values = new SerializedValues();
  private readonly sequence: StepSequence;
  /**
   * For executeFlow: caps step outputs at `maxOutputBytes`, measuring each as it will be stored.
   * The serialised text is kept, so the rows that carry it (this step's, the next step's input)
   * do not serialise it again.
   */
  readonly outputLimit: StepOutputLimit | undefined;

  constructor(private readonly deps: StepRecorderDeps) {
    const { maxOutputBytes } = deps;
    this.sequence = deps.sequence ?? new StepSequence();
    this.outputLimit =
      maxOutputBytes === undefined
        ? undefined
        : {
            maxBytes: maxOutputBytes,
            measure: (output) => this.values.measure(output, maxOutputBytes),
          };
  }

  /** The executor's StepEventSink. */
  readonly record = async (event: StepEvent): Promise<void> => {
    if (this.fenced) return;
    if (event.type === 'step.succeeded' || event.type === 'step.failed') {
      processMetrics.noteStepFinished(
        event.nodeType,
        event.type === 'step.succeeded' ? 'succeeded' : 'failed',
        event.durationMs,
      );
    }
    // Numbered here, synchronously, so rows are in the order the executor reported them.
    const row = this.rowOf(event);
    row.seq = this.sequence.of(row.node_id, row.attempt);
    if (this.deps.log?.isLevelEnabled('debug')) logStep(this.deps.log, event, row.attempt);
    const key = `${row.node_id}\u0000${row.attempt}`;
    this.latest.set(key, row);
    this.pending.set(key, row);
    if (this.canWait(event)) return;
    await this.flush();
  };

  /** Writes every buffered row now (in order after any write already under way). */
  flush(): Promise<void> {
    const next = this.writes.then(() => this.writePending());
    // The caller sees this write's failure; the chain must not stay broken for later writes.
    this.writes = next.catch(() => undefined);
    return next;
  }

  /**
   * Waits for writes under way, then hands over the rows still buffered (clearing the buffer),
   * for the caller to write in the same statement as the run's own update.
   */
  async drain(): Promise<StepRow[]> {
    await this.writes;
    const rows = [...this.pending.values()];
    this.pending.clear();
    return rows;
  }

  /**
   * Stops writing: later events are dropped. For a run this worker hands back (shutdown) or no
   * longer owns (lease lost). With `discard`, rows still buffered are dropped too.
   */
  fence(options: { discard: boolean }): void {
    this.fenced = true;
    if (options.discard) this.pending.clear();
  }

  private async writePending(): Promise<void> {
    if (this.pending.size === 0) return;
    const rows = [...this.pending.values()];
    this.pending = new Map();
    await this.deps.pool.query({
      ...UPSERT_STEPS,
      values: [this.deps.runId, serializeStepRows(rows)],
    });
  }

  /** Pure steps' started/succeeded and every skip may wait in the buffer. */
  private canWait(event: StepEvent): boolean {
    if (event.type === 'step.skipped') return true;
    if (event.type !== 'step.started' && event.type !== 'step.succeeded') return false;
    return this.deps.flow.nodes.get(event.nodeId)?.definition.sideEffects === false;
  }

  private rowOf(event: StepEvent): StepRow {
    const base = {
      node_id: event.nodeId,
      node_type: event.nodeType,
      input: null as unknown,
      output: null as unknown,
      port: null,
      error: null as unknown,
      skip_reason: null,
      started_at: null,
      finished_at: null,
      duration_ms: null,
      retry_delay_ms: null,
      next_attempt_at: null,
      wait_reason: null,
      waiting_since: null,
      seq: 0,
    };
    switch (event.type) {
      case 'step.started':
        return {
          ...base,
          attempt: event.attempt,
          status: STEP_STATUS.running,
          input: this.values.of(event.input),
          started_at: event.at,
          // A rate-limit wait carries on across executions of the same attempt.
          waiting_since:
            this.previous(event.nodeId, event.attempt)?.waiting_since ??
            ownDate(this.deps.waitingSince, event.nodeId),
        };
      case 'step.succeeded':
        return {
          ...base,
          attempt: event.attempt,
          status: STEP_STATUS.succeeded,
          input: this.values.of(event.input),
          output: this.values.of(event.output),
          port: event.port,
          started_at: event.startedAt,
          finished_at: event.at,
          duration_ms: Math.round(event.durationMs),
          // Kept on the finished row: the attempt waited for a token from then until started_at
          // (the step rollups count that wait, step_stats_minute).
          waiting_since: this.previous(event.nodeId, event.attempt)?.waiting_since ?? null,
        };
      case 'step.failed':
        return {
          ...base,
          attempt: event.attempt,
          status: STEP_STATUS.failed,
          input: this.values.of(event.input),
          error: event.error,
          started_at: event.startedAt,
          finished_at: event.at,
          duration_ms: Math.round(event.durationMs),
          retry_delay_ms: event.retry ? Math.round(event.retry.delayMs) : null,
          next_attempt_at: event.retry?.nextAttemptAt ?? null,
          // What the retry waits for (an open breaker, a throttling upstream, a backoff).
          wait_reason: event.retry?.reason ?? null,
          waiting_since: this.previous(event.nodeId, event.attempt)?.waiting_since ?? null,
        };
      case 'step.waiting': {
        // After the attempt's step.started (a rate-limit wait): the same row, now waiting.
        // Before it (a retry's backoff): the next attempt's row, not started yet.
        const started = this.previous(event.nodeId, event.attempt);
        return {
          ...base,
          attempt: event.attempt,
          status: STEP_STATUS.waiting,
          input: started?.input ?? null,
          started_at: started?.started_at ?? null,
          next_attempt_at: event.until,
          wait_reason: event.reason,
          waiting_since:
            started?.status === STEP_STATUS.running ? (started.waiting_since ?? event.at) : null,
        };
      }
      case 'step.skipped':
        return {
          ...base,
          attempt: SKIPPED_ATTEMPT,
          status: STEP_STATUS.skipped,
          skip_reason: event.reason,
          finished_at: event.at,
        };
      default: {
        const unexpected: never = event;
        throw new Error(`Unknown step event ${JSON.stringify(unexpected)}`);
      }
    }
  }

  private previous(nodeId: string, attempt: number): StepRow | undefined {
    return this.latest.get(`${nodeId}\u0000${attempt}`);
  }
}

function ownDate(record: Readonly<Record<string, Date>> | undefined, key: string): Date | null {
  return record !== undefined && Object.hasOwn(record, key) ? (record[key] ?? null) : null;
}

const STEP_MESSAGES: Record<StepEvent['type'], string> = {
  'step.started': 'Step started',
  'step.succeeded': 'Step succeeded',
  'step.failed': 'Step attempt failed',
  'step.waiting': 'Step waiting',
  'step.skipped': 'Step skipped',
};

function logStep(log: Logger, event: StepEvent, attempt: number): void {
  const line: Record<string, unknown> = { nodeId: event.nodeId, attempt, nodeType: event.nodeType };
  switch (event.type) {
    case 'step.succeeded':
      line.durationMs = Math.round(event.durationMs);
      break;
    case 'step.failed':
      line.durationMs = Math.round(event.durationMs);
      line.errorCode = event.error.code;
      line.retryInMs = event.retry ? Math.round(event.retry.delayMs) : null;
      break;
    case 'step.waiting':
      line.reason = event.reason;
      line.until = event.until;
      break;
    default:
  }
  log.debug(line, STEP_MESSAGES[event.type]);
}
