/**
 * Runs a validated flow: the executor's public API (executeFlow, its options and outcome). The
 * work is split in two: scheduling, the graph walk of one run (flow-run.ts), and one node's
 * attempts under its policy (node-attempts.ts).
 */
import type { Clock } from './clock.ts';
import type { CredentialAccess } from './connector/credential-access.ts';
import type { SerializedError } from './errors.ts';
import type { ExpressionEvaluator } from './expression-evaluator.ts';
import { FlowRun } from './flow-run.ts';
import type { UpstreamGuard } from './resilience/upstream-guard.ts';
import type { StepEventSink, StepWaitReason } from './step-event.ts';
import type { ValidatedFlow } from './validated-flow.ts';

export type CompletedStep = { output: unknown; port: string | null };

/** What a resumed run already did: persisted by the server, handed back on resume. */
export type ResumeState = {
  /** Steps that succeeded: not executed again, no events, outputs (and port) reused. */
  completed?: Readonly<Record<string, CompletedStep>>;
  /**
   * Per node, the highest attempt number that started and did not end in `step.waiting`
   * (succeeded, failed, or lost in a crash). The next attempt is this + 1. An attempt that ended
   * waiting (a rate-limit wait, or a retry parked until later) is not counted: it runs again under
   * the same number, so its (run, node, attempt) row is reused. When the next number would pass
   * the node's maxAttempts (its last attempt was lost), the node fails with RETRIES_EXHAUSTED;
   * a node type without side effects just runs that lost attempt again.
   */
  attempts?: Readonly<Record<string, number>>;
  /** Since when each node has been waiting for a rate-limit token, for the maxWaitMs bound. */
  waitingSince?: Readonly<Record<string, Date>>;
  /**
   * The nodes the suspended run was parked on (its outcome's `waiting.nodes`): none of them runs
   * again before its `resumeAt`, so a run resumed for one node does not retry another early.
   */
  waiting?: readonly WaitingNode[];
};

export type ExecuteFlowOptions = {
  flow: ValidatedFlow;
  runId: string;
  triggerInput?: unknown;
  onEvent: StepEventSink;
  clock?: Clock;
  signal?: AbortSignal;
  /** Steps already succeeded; not executed again, no events, outputs reused (and their port). */
  completed?: Readonly<Record<string, CompletedStep>>;
  /** Resume a suspended or interrupted run. `completed` here wins over the top-level field. */
  resume?: ResumeState;
  /** Shared circuit breakers and rate limits. Default: lets every call through. */
  guard?: UpstreamGuard;
  /** Uniform [0, 1) source for retry jitter. Default Math.random; tests pass a fixed one. */
  random?: () => number;
  /**
   * Waits (retry delays, rate-limit waits) up to this long are slept in process; longer ones
   * suspend the run (outcome `waiting`) so the worker slot is freed. Default 1000 ms.
   */
  inlineWaitMaxMs?: number;
  /** The run fails with RUN_TIMEOUT when it is still going at this instant. */
  deadline?: Date;
  /**
   * Evaluates the run's JSONata (transforms, conditions, `{{ }}` templates). Default: in process
   * (inProcessExpressionEvaluator); the server passes its sandbox.
   */
  expressions?: ExpressionEvaluator;
  /** Caps the size of each step's output (default: no cap). */
  outputLimit?: StepOutputLimit;
  /** The credentials vault, for ctx.credential and ctx.connection. Default: none exist. */
  credentials?: CredentialAccess;
};

/**
 * A cap on step outputs. `measure` gives an output's size in bytes as the sink will store it; an
 * output over `maxBytes` fails its attempt with OUTPUT_TOO_LARGE, which is never retried (the same
 * input gives the same output), and is not handed to the sink or to later nodes. The sink may keep
 * what `measure` computed (the serialised value), so that an output is serialised only once.
 */
export type StepOutputLimit = {
  maxBytes: number;
  measure: (output: unknown) => number;
};

export { OUTPUT_TOO_LARGE } from './node-attempts.ts';

/** A node the suspended run waits on, and until when. */
export type WaitingNode = {
  nodeId: string;
  nextAttempt: number;
  resumeAt: Date;
  reason: StepWaitReason;
};

export type RunOutcome = {
  status: 'succeeded' | 'failed' | 'cancelled' | 'waiting';
  /** Output of every node that succeeded (or was reused from `completed`), by node id. */
  outputs: Record<string, unknown>;
  error?: SerializedError;
  failedNodeId?: string;
  /**
   * With status `waiting`: resume the run at `resumeAt`, the earliest of `nodes` (never later
   * than the deadline, so that a resumed run fails with RUN_TIMEOUT on time).
   */
  waiting?: { resumeAt: Date; nodes: WaitingNode[] };
};

export { DEFAULT_INLINE_WAIT_MAX_MS, NOT_CONNECTED_REASON } from './flow-run.ts';

/**
 * Resolves with the outcome of the run; a failing node is an outcome, not a rejection. Rejects
 * only when `onEvent` throws: a step that cannot be persisted must stop the run loudly.
 */
export function executeFlow(options: ExecuteFlowOptions): Promise<RunOutcome> {
  return new FlowRun(options).start();
}
