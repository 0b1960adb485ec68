/**
 * The worker's statements on runs: claim, resume, finish, suspend, hand back. Each state change
 * is one statement (or one short transaction) that also writes the steps still buffered and, where
 * the run must go on later, its next job, so no crash can leave a run changed but not scheduled.
 * Every change after the claim is fenced on `lease_owner`: a worker that lost its lease (it
 * stalled and another worker took the run over) changes nothing.
 */
import type { SerializedError } from '@patchbay/engine';
import type pg from 'pg';
import { GroupCommit } from '../db/group-commit.ts';
import { withTransaction } from '../db/pg-pool.ts';
import { ADD_ERROR_FLOW_JOB } from '../runs/error-flow.ts';
import { RUN_FINISHED_CHANNEL } from '../runs/run-completions.ts';
import { addRunJobSql } from '../runs/run-queue.ts';
import { RUN_STATUS, STEP_STATUS } from '../runs/run-status.ts';
import type { PersistedStep } from './resume-state.ts';
import {
  type StepRow,
  serializeStepRows,
  serializeStepRowsOfRuns,
  upsertStepsOfRunsSql,
  upsertStepsSql,
} from './step-rows.ts';

export type ClaimedRun = {
  id: string;
  flowId: string;
  input: unknown;
  startedAt: Date;
  deadlineAt: Date;
  /** 1 on the first execution; more when the run is resumed. */
  executions: number;
  /**
   * Earlier executions that ended because their worker died or lost its lease (not suspensions
   * or hand-backs on shutdown). Enough of them make the run a poison run.
   */
  interruptions: number;
  retryOfRunId: string | null;
  cancelRequested: boolean;
  /** How the run was started (RUN_TRIGGERS). */
  trigger: string;
};

export type ClaimResult =
  | { kind: 'claimed'; run: ClaimedRun }
  /** Finished, cancelled, executing on a live worker, not due yet, or gone: nothing to do. */
  | { kind: 'not-claimable' }
  /** The flow's concurrency limit is reached: the run stays queued, its job retried shortly. */
  | { kind: 'no-slot' };

export type FinalStatus =
  | typeof RUN_STATUS.succeeded
  | typeof RUN_STATUS.failed
  | typeof RUN_STATUS.cancelled;

/** How long a run of a flow at its concurrency limit waits before asking for a slot again. */
export const NO_SLOT_RETRY_MS = 1_000;

/** Advisory-lock class of per-flow slot counting (the two-key form keeps clear of other locks). */
const FLOW_SLOT_LOCK_CLASS = 0x5042; // "PB"

const CLAIMABLE = `(status = '${RUN_STATUS.queued}'
    OR (status = '${RUN_STATUS.running}' AND (lease_owner IS NULL OR lease_expires_at < now())))
  AND (wake_at IS NULL OR wake_at <= now())`;

/**
 * A claim that takes the run over from a worker whose lease expired counts an interruption. (The
 * sweeper counts it when it frees such a run first; a suspended or handed-back run has no owner.)
 */
const COUNT_INTERRUPTION = `interruptions = interruptions
  + CASE WHEN status = '${RUN_STATUS.running}' AND lease_owner IS NOT NULL THEN 1 ELSE 0 END`;

const CLAIM_SET = `
  SET status = '${RUN_STATUS.running}',
      lease_owner = $2,
      lease_expires_at = now() + $3 * interval '1 millisecond',
      started_at = COALESCE(started_at, now()),
      deadline_at = COALESCE(deadline_at, COALESCE(started_at, now()) + $4 * interval '1 millisecond'),
      executions = executions + 1,
      ${COUNT_INTERRUPTION},
      wake_at = NULL`;

const CLAIM_RETURNING = `RETURNING id, flow_id, input, started_at, deadline_at, executions,
  interruptions, retry_of_run_id, cancel_requested_at IS NOT NULL AS cancel_requested, trigger`;

/**
 * The hot statements are named, so each connection parses and plans them once: planning these
 * CTEs costs more than executing them.
 */
const statement = (name: string, text: string) => ({ name: `patchbay_${name}`, text });

/**
 * Claims many runs in one statement ($1 run ids, $4 their run timeouts): the runs that are
 * claimable come back; the others were not claimed.
 */
const CLAIM_MANY = `UPDATE runs
  SET status = '${RUN_STATUS.running}',
      lease_owner = $2,
      lease_expires_at = now() + $3 * interval '1 millisecond',
      started_at = COALESCE(started_at, now()),
      deadline_at = COALESCE(deadline_at, COALESCE(started_at, now()) + request.run_timeout_ms * interval '1 millisecond'),
      executions = executions + 1,
      ${COUNT_INTERRUPTION},
      wake_at = NULL
  FROM unnest($1::uuid[], $4::float8[]) AS request(run_id, run_timeout_ms)
  WHERE id = request.run_id AND ${CLAIMABLE} ${CLAIM_RETURNING}`;

/** Claims only while fewer than $6 runs of flow $5 hold a live lease (under the flow's lock). */
const CLAIM_WITH_SLOT = `UPDATE runs ${CLAIM_SET}
  WHERE id = $1 AND ${CLAIMABLE}
    AND (SELECT count(*) FROM runs other
          WHERE other.flow_id = $5 AND other.status = '${RUN_STATUS.running}'
            AND other.lease_owner IS NOT NULL AND other.lease_expires_at > now()
            AND other.id <> $1) < $6
  ${CLAIM_RETURNING}`;

const RETRY_LATER = `SELECT (${addRunJobSql('id', 'flow_version_id', `now() + interval '${NO_SLOT_RETRY_MS} milliseconds'`)}).id
  FROM runs WHERE id = $1 AND ${CLAIMABLE}`;

/**
 * Reads a resumed run's steps. Attempts still `running` were lost with the worker that ran them
 * (this worker holds the lease now): they are marked failed with WORKER_LOST, a retryable error,
 * and count as used. The SELECT sees the rows as they were, which is all resumeStateOf needs.
 */
const LOAD_STEPS = `
WITH lost AS (
  UPDATE step_runs
     SET status = '${STEP_STATUS.failed}',
         finished_at = now(),
         duration_ms = CASE WHEN started_at IS NULL THEN NULL
           ELSE GREATEST(0, round(EXTRACT(EPOCH FROM (now() - started_at)) * 1000))::int END,
         error = jsonb_build_object(
           'code', 'WORKER_LOST',
           'retryable', true,
           'message', format('Attempt %s of node "%s" was interrupted: the worker executing it stopped before it finished. The next attempt uses the same idempotency key.', attempt, node_id),
           'details', jsonb_build_object('attempt', attempt))
   WHERE run_id = $1 AND status = '${STEP_STATUS.running}'
)
SELECT node_id, attempt, status, output, port, wait_reason, next_attempt_at, waiting_since, seq
  FROM step_runs WHERE run_id = $1`;

const DURATION = `GREATEST(0, round(EXTRACT(EPOCH FROM (now() - started_at)) * 1000))::int`;

const FINISH = `
WITH run AS (
  UPDATE runs
     SET status = $3, finished_at = now(), duration_ms = ${DURATION}, error = $4::jsonb,
         lease_owner = NULL, lease_expires_at = NULL, wake_at = NULL
   WHERE id = $1 AND lease_owner = $2
  RETURNING id
), steps AS (
  ${upsertStepsSql('$1::uuid', '$5', 'EXISTS (SELECT 1 FROM run)')}
), notified AS (
  SELECT pg_notify('${RUN_FINISHED_CHANNEL}', id::text) FROM run WHERE $6::boolean
)
SELECT count(*)::int AS changed, (SELECT count(*) FROM notified) AS notified FROM run`;

/**
 * Finishes many succeeded runs in one statement, each with its remaining steps: the runs whose
 * lease their worker still holds come back; the others (and their steps) are not written.
 */
const FINISH_SUCCEEDED_MANY = `
WITH request AS (
  SELECT * FROM unnest($1::uuid[], $2::text[], $4::boolean[]) AS r(run_id, owner, notify)
), run AS (
  UPDATE runs
     SET status = '${RUN_STATUS.succeeded}', finished_at = now(), duration_ms = ${DURATION},
         error = NULL, lease_owner = NULL, lease_expires_at = NULL, wake_at = NULL
    FROM request
   WHERE runs.id = request.run_id AND runs.lease_owner = request.owner
  RETURNING runs.id
), steps AS (
  ${upsertStepsOfRunsSql('$3', 's.run_id IN (SELECT id FROM run)')}
), notified AS (
  -- One notification for every awaited run of the batch (a sync webhook waits for it).
  SELECT pg_notify('${RUN_FINISHED_CHANNEL}', string_agg(run.id::text, ','))
    FROM run JOIN request ON request.run_id = run.id
   WHERE request.notify
  HAVING count(*) > 0
)
SELECT id, (SELECT count(*) FROM notified) AS notified FROM run`;

/**
 * Steps still waiting when the run ended will never run ($2 says why). Steps still running were
 * lost with a worker that died (a poison run is failed before they are read back).
 */
const CLOSE_UNFINISHED_STEPS = `
UPDATE step_runs
   SET status = '${STEP_STATUS.failed}',
       finished_at = now(),
       duration_ms = CASE WHEN status = '${STEP_STATUS.running}' AND started_at IS NOT NULL
         THEN ${DURATION} ELSE duration_ms END,
       error = CASE WHEN status = '${STEP_STATUS.running}' THEN jsonb_build_object(
           'code', 'WORKER_LOST',
           'retryable', false,
           'message', format('Attempt %s of node "%s" was interrupted: the worker executing it stopped before it finished.', attempt, node_id),
           'details', jsonb_build_object('attempt', attempt))
         ELSE $2::jsonb END
 WHERE run_id = $1 AND status IN ('${STEP_STATUS.waiting}', '${STEP_STATUS.running}')`;

/** Frees the run (no owner) until $3 and schedules its job then: suspend, or hand back now. */
const PARK = `
WITH run AS (
  UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL, wake_at = $3
   WHERE id = $1 AND lease_owner = $2
  RETURNING id, flow_version_id
), steps AS (
  ${upsertStepsSql('$1::uuid', '$4', 'EXISTS (SELECT 1 FROM run)')}
)
SELECT (${addRunJobSql('run.id', 'run.flow_version_id', '$3')}).id FROM run`;

/** A slot of the flow came free: its oldest queued run need not wait for its next poll. */
const WAKE_NEXT_QUEUED = `
SELECT (${addRunJobSql('next.id', 'next.flow_version_id')}).id
  FROM (SELECT id, flow_version_id FROM runs
         WHERE flow_id = $1 AND status = '${RUN_STATUS.queued}'
         ORDER BY created_at, id LIMIT 1) AS next`;

const CLAIM_MANY_STATEMENT = statement('claim_runs', CLAIM_MANY);
const CLAIM_WITH_SLOT_STATEMENT = statement('claim_run_with_slot', CLAIM_WITH_SLOT);
const LOAD_STEPS_STATEMENT = statement('load_steps', LOAD_STEPS);
const FINISH_STATEMENT = statement('finish_run', FINISH);
const FINISH_SUCCEEDED_MANY_STATEMENT = statement('finish_succeeded_runs', FINISH_SUCCEEDED_MANY);
const PARK_STATEMENT = statement('park_run', PARK);

type ClaimRow = {
  id: string;
  flow_id: string;
  input: unknown;
  started_at: Date;
  deadline_at: Date;
  executions: number;
  interruptions: number;
  retry_of_run_id: string | null;
  cancel_requested: boolean;
  trigger: string;
};

type StepStateRow = {
  node_id: string;
  attempt: number;
  status: string;
  output: unknown;
  port: string | null;
  wait_reason: string | null;
  next_attempt_at: Date | null;
  waiting_since: Date | null;
  seq: number;
};

export type ClaimRequest = {
  runId: string;
  owner: string;
  leaseMs: number;
  runTimeoutMs: number;
  /** With a limit: the flow and its maxConcurrentRuns. */
  slots?: { flowId: string; limit: number } | undefined;
};

/** Most claims one statement may carry. */
const MAX_CLAIM_BATCH = 200;
/** Most finishes one statement may carry; more wait for the next. */
const MAX_FINISH_BATCH = 200;

type SucceededRun = {
  runId: string;
  owner: string;
  steps: readonly StepRow[];
  /** NOTIFY RUN_FINISHED_CHANNEL: someone may await the run (run-completions.ts). */
  notify: boolean;
};

export class RunStore {
  /**
   * Claims without a concurrency limit go by group commit (a batch of jobs fetched together is one
   * statement); the runs whose claim is under way, so that two jobs of one run claim it once.
   */
  private readonly claims: GroupCommit<ClaimRequest, ClaimResult>;
  private readonly claiming = new Set<string>();
  /**
   * Succeeded runs (the common case) are finished by group commit: the finishes that arrive
   * while one statement is under way go together in the next.
   */
  private readonly succeeded: GroupCommit<SucceededRun, boolean>;

  constructor(private readonly pool: pg.Pool) {
    this.claims = new GroupCommit({
      maxBatch: MAX_CLAIM_BATCH,
      maxInFlight: 2,
      write: (requests) => this.claimMany(requests),
    });
    this.succeeded = new GroupCommit({
      maxBatch: MAX_FINISH_BATCH,
      maxInFlight: 2,
      write: (runs) => this.finishSucceeded(runs),
    });
  }

  private async finishSucceeded(runs: SucceededRun[]): Promise<boolean[]> {
    const { rows } = await this.pool.query<{ id: string }>({
      ...FINISH_SUCCEEDED_MANY_STATEMENT,
      values: [
        runs.map((run) => run.runId),
        runs.map((run) => run.owner),
        serializeStepRowsOfRuns(runs.map((run) => ({ runId: run.runId, rows: run.steps }))),
        runs.map((run) => run.notify),
      ],
    });
    const finished = new Set(rows.map((row) => row.id));
    return runs.map((run) => finished.has(run.runId));
  }

  async flowVersionOf(runId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ flow_version_id: string }>(
      'SELECT flow_version_id FROM runs WHERE id = $1',
      [runId],
    );
    return rows[0]?.flow_version_id;
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const params = [request.runId, request.owner, request.leaseMs, request.runTimeoutMs];
    if (!request.slots) return this.claimInBatch(request);
    const { flowId, limit } = request.slots;
    return withTransaction(this.pool, async ({ client }) => {
      // Serialises slot counting per flow across every worker; released at COMMIT.
      const lock = client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        FLOW_SLOT_LOCK_CLASS,
        flowId,
      ]);
      const claim = client.query<ClaimRow>({
        ...CLAIM_WITH_SLOT_STATEMENT,
        values: [...params, flowId, limit],
      });
      await lock;
      const { rows } = await claim;
      if (rows[0]) return claimed(rows[0]);
      const retried = await client.query(RETRY_LATER, [request.runId]);
      return retried.rowCount ? { kind: 'no-slot' } : { kind: 'not-claimable' };
    });
  }

  private async claimInBatch(request: ClaimRequest): Promise<ClaimResult> {
    // Two jobs for one run at once: one claim is enough; the other finds nothing to do.
    if (this.claiming.has(request.runId)) return { kind: 'not-claimable' };
    this.claiming.add(request.runId);
    try {
      return await this.claims.submit(request);
    } finally {
      this.claiming.delete(request.runId);
    }
  }

  /** One statement per owner and lease length (in practice: one per process). */
  private async claimMany(requests: ClaimRequest[]): Promise<ClaimResult[]> {
    const groups = new Map<string, ClaimRequest[]>();
    for (const request of requests) {
      const key = `${request.owner}|${request.leaseMs}`;
      groups.set(key, [...(groups.get(key) ?? []), request]);
    }
    const claimedRows = new Map<string, ClaimRow>();
    for (const group of groups.values()) {
      const { owner, leaseMs } = group[0]!;
      const { rows } = await this.pool.query<ClaimRow>({
        ...CLAIM_MANY_STATEMENT,
        values: [
          group.map((request) => request.runId),
          owner,
          leaseMs,
          group.map((request) => request.runTimeoutMs),
        ],
      });
      for (const row of rows) claimedRows.set(row.id, row);
    }
    return requests.map((request) => claimed(claimedRows.get(request.runId)));
  }

  async loadSteps(runId: string): Promise<PersistedStep[]> {
    const { rows } = await this.pool.query<StepStateRow>({
      ...LOAD_STEPS_STATEMENT,
      values: [runId],
    });
    return rows.map((row) => ({
      nodeId: row.node_id,
      attempt: row.attempt,
      status: row.status,
      output: row.output,
      port: row.port,
      waitReason: row.wait_reason,
      nextAttemptAt: row.next_attempt_at,
      waitingSince: row.waiting_since,
      seq: row.seq,
    }));
  }

  /**
   * Records the run's final status with its remaining steps. False when this worker no longer
   * holds the run's lease (nothing was written).
   */
  async finish(options: {
    runId: string;
    owner: string;
    status: FinalStatus;
    error: SerializedError | null;
    steps: readonly StepRow[];
    /** A concurrency-limited flow: wake its next queued run. */
    limitedFlowId?: string | undefined;
    /** NOTIFY RUN_FINISHED_CHANNEL at commit: someone may await the run. */
    notify?: boolean | undefined;
  }): Promise<boolean> {
    const notify = options.notify ?? false;
    if (options.status === RUN_STATUS.succeeded && !options.limitedFlowId) {
      // The hot path: one statement for every run finishing at about the same time.
      return this.succeeded.submit({
        runId: options.runId,
        owner: options.owner,
        steps: options.steps,
        notify,
      });
    }
    const params = [
      options.runId,
      options.owner,
      options.status,
      options.error === null ? null : JSON.stringify(options.error),
      serializeStepRows(options.steps),
      notify,
    ];
    return withTransaction(this.pool, async ({ client }) => {
      if (options.limitedFlowId) await this.lockFlowSlots(client, options.limitedFlowId);
      const { rows } = await client.query<{ changed: number }>({
        ...FINISH_STATEMENT,
        values: params,
      });
      if (rows[0]?.changed !== 1) return false;
      if (options.status === RUN_STATUS.failed) {
        // In the failing transaction: the error flow's start is as durable as the failure.
        await client.query(ADD_ERROR_FLOW_JOB, [options.runId]);
      }
      if (options.status !== RUN_STATUS.succeeded) {
        await client.query(CLOSE_UNFINISHED_STEPS, [
          options.runId,
          JSON.stringify({
            code: 'RUN_ENDED',
            message: `The run ${options.status === RUN_STATUS.cancelled ? 'was cancelled' : 'failed'} before this attempt could run`,
            retryable: false,
          }),
        ]);
      }
      if (options.limitedFlowId) await client.query(WAKE_NEXT_QUEUED, [options.limitedFlowId]);
      return true;
    });
  }

  /**
   * Frees the run until `until` (a long retry or rate-limit wait, or now when handing it back on
   * shutdown) and schedules its job for then. False when this worker no longer holds the lease.
   */
  async park(options: {
    runId: string;
    owner: string;
    until: Date;
    steps: readonly StepRow[];
    limitedFlowId?: string | undefined;
  }): Promise<boolean> {
    const params = [options.runId, options.owner, options.until, serializeStepRows(options.steps)];
    if (!options.limitedFlowId) {
      const { rowCount } = await this.pool.query({ ...PARK_STATEMENT, values: params });
      return rowCount === 1;
    }
    const limitedFlowId = options.limitedFlowId;
    return withTransaction(this.pool, async ({ client }) => {
      await this.lockFlowSlots(client, limitedFlowId);
      const { rowCount } = await client.query({ ...PARK_STATEMENT, values: params });
      if (rowCount !== 1) return false;
      await client.query(WAKE_NEXT_QUEUED, [limitedFlowId]);
      return true;
    });
  }

  private async lockFlowSlots(client: pg.PoolClient, flowId: string): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
      FLOW_SLOT_LOCK_CLASS,
      flowId,
    ]);
  }
}

function claimed(row: ClaimRow | undefined): ClaimResult {
  if (!row) return { kind: 'not-claimable' };
  return {
    kind: 'claimed',
    run: {
      id: row.id,
      flowId: row.flow_id,
      input: row.input,
      startedAt: row.started_at,
      deadlineAt: row.deadline_at,
      executions: row.executions,
      interruptions: row.interruptions,
      retryOfRunId: row.retry_of_run_id,
      cancelRequested: row.cancel_requested,
      trigger: row.trigger,
    },
  };
}
