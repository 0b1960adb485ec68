/**
 * How new runs enter: `flows.run` (and later webhooks) hand each start to RunIntake, which
 * admits it (run-admission.ts) and records it by group commit: the starts that arrive while a
 * batch is being written go to PostgreSQL together, as one statement that inserts every run and
 * adds the queued ones' jobs in one bulk add_jobs.
 *
 * A run admitted inline is inserted already claimed by this process's worker (status `running`,
 * lease set, first execution counted) and executed at once, with no job and no queue round trip.
 * Its recovery is the lease: should the process die before or during the execution, the lease
 * expires unrenewed and any worker's sweeper frees the run and queues its job, as for any run
 * whose worker died. A queued run gets its job in the same statement: a run is never recorded
 * without a way to execute it.
 */

import { randomUUID } from 'node:crypto';
import { FlowValidationError } from '@patchbay/engine';
import type pg from 'pg';
import { GroupCommit } from '../db/group-commit.ts';
import {
  ConflictError,
  FlowDeletedError,
  FlowInactiveError,
  FlowNotRunnableError,
  NotFoundError,
  OverloadedError,
} from '../domain-errors.ts';
import { processMetrics } from '../observability/patchbay-metrics.ts';
import type { ClaimedRun } from '../worker/run-store.ts';
import type { CachedFlowVersion, FlowVersionCache } from './flow-version-cache.ts';
import type { QueueLoad } from './queue-load.ts';
import { type Admission, admit, type ShedLimits } from './run-admission.ts';
import { RUN_JOB_MAX_ATTEMPTS, RUN_TASK } from './run-queue.ts';
import { ANY_STATE_TRIGGERS, needsActiveFlow, RUN_STATUS, type RunTrigger } from './run-status.ts';

/** The worker of this process, as far as inline execution needs it (RunWorker). */
export type InlineExecutor = {
  readonly workerId: string;
  readonly leaseMs: number;
  /** Takes an execution slot, or false when none is free. */
  reserveInlineSlot(): boolean;
  releaseInlineSlot(): void;
  /** Executes a run inserted claimed by this worker, in its reserved slot (released after). */
  executeInline(run: ClaimedRun, version: CachedFlowVersion): Promise<void>;
};

export type IntakeRequest = {
  flowId: string;
  /** The run input, and its JSON text as stored (null: no input). */
  input: unknown;
  inputText: string | null;
  trigger: RunTrigger;
  idempotencyKey: string | undefined;
};

export type IntakeResult = { runId: string; deduplicated: boolean };

type Outcome = { ok: true; result: IntakeResult } | { ok: false; error: unknown };

/** Most runs one statement inserts. */
const MAX_BATCH = 200;

/** Each flow's name, whether it is deleted or switched on, and its latest version. */
const FLOW_HEADS = {
  name: 'patchbay_flow_heads',
  text: `SELECT f.id, f.name, f.deleted_at IS NOT NULL AS deleted, f.active, v.id AS version_id
           FROM flows f
           LEFT JOIN LATERAL (SELECT id FROM flow_versions WHERE flow_id = f.id
                               ORDER BY number DESC LIMIT 1) v ON true
          WHERE f.id = ANY($1::uuid[])`,
};

const KEYED_RUNS = {
  name: 'patchbay_keyed_runs',
  text: `SELECT r.flow_id, r.idempotency_key, r.id FROM runs r
           JOIN unnest($1::uuid[], $2::text[]) AS k(flow_id, idempotency_key)
             ON r.flow_id = k.flow_id AND r.idempotency_key = k.idempotency_key`,
};

/**
 * Inserts the runs ($1…$8 per run; $9 the worker claiming the inline ones, $10 its lease) and
 * adds the jobs of those queued. Only runs of flows that exist and are not deleted are inserted:
 * the flows' key-share lock waits for a delete in progress, so no run starts after a delete has
 * cancelled the flow's runs. Runs a trigger started (webhook, schedule) need the flow switched
 * on, read under the same lock, so none slips in after a switch-off has committed. A run whose
 * idempotency key is taken is not inserted either. The runs inserted come back.
 */
const INSERT_RUNS = {
  name: 'patchbay_insert_runs',
  text: `
WITH request AS (
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[],
                       $7::boolean[], $8::float8[])
    AS r(id, flow_id, flow_version_id, trigger, input, idempotency_key, inline, run_timeout_ms)
), live AS (
  SELECT id, active FROM flows
   WHERE id IN (SELECT flow_id FROM request) AND deleted_at IS NULL
   ORDER BY id
   FOR KEY SHARE
), inserted AS (
  INSERT INTO runs (id, flow_id, flow_version_id, trigger, status, input, idempotency_key,
                    lease_owner, lease_expires_at, started_at, deadline_at, executions)
  SELECT r.id, r.flow_id, r.flow_version_id, r.trigger,
         CASE WHEN r.inline THEN '${RUN_STATUS.running}' ELSE '${RUN_STATUS.queued}' END,
         r.input::jsonb, r.idempotency_key,
         CASE WHEN r.inline THEN $9 END,
         CASE WHEN r.inline THEN now() + $10 * interval '1 millisecond' END,
         CASE WHEN r.inline THEN now() END,
         CASE WHEN r.inline THEN now() + r.run_timeout_ms * interval '1 millisecond' END,
         CASE WHEN r.inline THEN 1 ELSE 0 END
    FROM request r JOIN live ON live.id = r.flow_id AND (live.active OR r.trigger IN (${ANY_STATE_TRIGGERS.map((t) => `'${t}'`).join(', ')}))
  ON CONFLICT (flow_id, idempotency_key) DO NOTHING
  RETURNING id, flow_version_id, status, started_at, deadline_at
), jobs AS (
  SELECT CASE WHEN EXISTS (SELECT 1 FROM inserted WHERE status = '${RUN_STATUS.queued}')
    THEN (SELECT count(*) FROM graphile_worker.add_jobs(ARRAY(
      SELECT ROW('${RUN_TASK}', json_build_object('runId', id, 'flowVersionId', flow_version_id),
                 NULL, now(), ${RUN_JOB_MAX_ATTEMPTS}, 'run:' || id, NULL, NULL)::graphile_worker.job_spec
        FROM inserted WHERE status = '${RUN_STATUS.queued}')))
    ELSE 0 END AS added
)
SELECT inserted.id, inserted.started_at, inserted.deadline_at FROM inserted, jobs`,
};

type FlowHead = {
  id: string;
  name: string;
  deleted: boolean;
  active: boolean;
  version_id: string | null;
};

type Planned = {
  index: number;
  runId: string;
  request: IntakeRequest;
  version: CachedFlowVersion;
  inline: boolean;
};

export type RunIntakeDeps = {
  pool: pg.Pool;
  versions: FlowVersionCache;
  load: QueueLoad;
  limits: ShedLimits;
};

export class RunIntake {
  private readonly batches: GroupCommit<IntakeRequest, Outcome>;
  private executor: InlineExecutor | undefined;
  /** Flows whose latest version has a concurrency limit (their runs always queue). */
  private readonly limitedFlows = new Map<string, boolean>();

  constructor(private readonly deps: RunIntakeDeps) {
    this.batches = new GroupCommit({
      maxBatch: MAX_BATCH,
      maxInFlight: 2,
      write: (requests) => this.writeBatch(requests),
    });
  }

  /** From now on, runs that find a free slot execute in this process (roles `all`). */
  executeInline(executor: InlineExecutor | undefined): void {
    this.executor = executor;
  }

  isLimitedFlow(flowId: string): boolean {
    return this.limitedFlows.get(flowId) ?? false;
  }

  async start(request: IntakeRequest): Promise<IntakeResult> {
    const outcome = await this.batches.submit(request);
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  private async writeBatch(requests: IntakeRequest[]): Promise<Outcome[]> {
    const outcomes: (Outcome | undefined)[] = new Array(requests.length);
    const [heads, keyed] = await Promise.all([this.flowHeads(requests), this.keyedRuns(requests)]);
    const planned: Planned[] = [];
    for (const [index, request] of requests.entries()) {
      const existing = keyed.get(keyOf(request.flowId, request.idempotencyKey));
      if (existing) {
        outcomes[index] = { ok: true, result: { runId: existing, deduplicated: true } };
        continue;
      }
      try {
        const version = await this.runnableVersion(heads.get(request.flowId), request);
        const admission = this.admit(request.flowId, version);
        if (admission.kind === 'refuse') {
          outcomes[index] = { ok: false, error: overloaded(admission, heads.get(request.flowId)) };
          continue;
        }
        if (admission.kind === 'queue') this.deps.load.noteQueued(request.flowId);
        planned.push({
          index,
          runId: randomUUID(),
          request,
          version,
          inline: admission.kind === 'inline',
        });
      } catch (error) {
        outcomes[index] = { ok: false, error };
      }
    }
    try {
      await this.insert(planned, outcomes);
    } catch (error) {
      for (const run of planned) {
        if (run.inline) this.executor?.releaseInlineSlot();
        outcomes[run.index] = { ok: false, error };
      }
    }
    return outcomes.map(
      (outcome) => outcome ?? { ok: false, error: new Error('run start was not decided') },
    );
  }

  private async insert(planned: Planned[], outcomes: (Outcome | undefined)[]): Promise<void> {
    if (planned.length === 0) return;
    const executor = this.executor;
    const { rows } = await this.deps.pool.query<{
      id: string;
      started_at: Date | null;
      deadline_at: Date | null;
    }>({
      ...INSERT_RUNS,
      values: [
        planned.map((run) => run.runId),
        planned.map((run) => run.request.flowId),
        planned.map((run) => run.version.id),
        planned.map((run) => run.request.trigger),
        planned.map((run) => run.request.inputText),
        planned.map((run) => run.request.idempotencyKey ?? null),
        planned.map((run) => run.inline),
        planned.map((run) => run.version.runTimeoutMs),
        executor?.workerId ?? null,
        executor?.leaseMs ?? 0,
      ],
    });
    const inserted = new Map(rows.map((row) => [row.id, row]));
    processMetrics.runsStarted.inc(rows.length);
    const missing: Planned[] = [];
    for (const run of planned) {
      const row = inserted.get(run.runId);
      if (!row) {
        if (run.inline) executor?.releaseInlineSlot();
        missing.push(run);
        continue;
      }
      outcomes[run.index] = { ok: true, result: { runId: run.runId, deduplicated: false } };
      if (run.inline && executor && row.started_at && row.deadline_at) {
        void executor.executeInline(
          {
            id: run.runId,
            flowId: run.request.flowId,
            input: run.request.input,
            startedAt: row.started_at,
            deadlineAt: row.deadline_at,
            executions: 1,
            interruptions: 0,
            retryOfRunId: null,
            cancelRequested: false,
            trigger: run.request.trigger,
          },
          run.version,
        );
      }
    }
    if (missing.length > 0) await this.explainMissing(missing, outcomes);
  }

  /**
   * Runs not inserted: their key was taken meanwhile (that run is the one), or their flow was
   * deleted (or, for a trigger's run, switched off) since it was read.
   */
  private async explainMissing(
    missing: Planned[],
    outcomes: (Outcome | undefined)[],
  ): Promise<void> {
    const [keyed, fresh] = await Promise.all([
      this.keyedRuns(missing.map((run) => run.request)),
      this.flowHeads(missing.map((run) => run.request)),
    ]);
    for (const run of missing) {
      const existing = keyed.get(keyOf(run.request.flowId, run.request.idempotencyKey));
      if (existing) {
        outcomes[run.index] = { ok: true, result: { runId: existing, deduplicated: true } };
        continue;
      }
      const head = fresh.get(run.request.flowId);
      outcomes[run.index] = {
        ok: false,
        error: !head
          ? new NotFoundError('Flow', run.request.flowId)
          : head.deleted
            ? new FlowDeletedError(head.name, run.request.flowId)
            : !head.active && needsActiveFlow(run.request.trigger)
              ? new FlowInactiveError(head.name, run.request.flowId)
              : new ConflictError(
                  'CONFLICT',
                  'The run could not be recorded because of a concurrent change. Try again.',
                ),
      };
    }
  }

  private admit(flowId: string, version: CachedFlowVersion): Admission {
    const executor = this.executor;
    const limited = version.maxConcurrentRuns !== undefined;
    this.limitedFlows.set(flowId, limited);
    // A flow with a concurrency limit takes its slots through the queue, where they are counted.
    const slotFree = !limited && executor !== undefined && executor.reserveInlineSlot();
    const admission = admit(
      { flowId, flowMaxQueuedRuns: version.maxQueuedRuns, slotFree },
      this.deps.load.snapshot(),
      this.deps.limits,
    );
    if (slotFree && admission.kind !== 'inline') executor.releaseInlineSlot();
    return admission;
  }

  private async runnableVersion(
    head: FlowHead | undefined,
    { flowId, trigger }: IntakeRequest,
  ): Promise<CachedFlowVersion> {
    if (!head) throw new NotFoundError('Flow', flowId);
    if (head.deleted) throw new FlowDeletedError(head.name, flowId);
    if (!head.active && needsActiveFlow(trigger)) throw new FlowInactiveError(head.name, flowId);
    if (!head.version_id) {
      throw new FlowNotRunnableError(
        new FlowValidationError(head.name, [
          { code: 'document.invalid', message: 'the flow has no saved version', path: [] },
        ]),
      );
    }
    let version: CachedFlowVersion | undefined;
    try {
      version = await this.deps.versions.get(head.version_id);
    } catch (error) {
      if (error instanceof FlowValidationError) {
        throw new FlowNotRunnableError(new FlowValidationError(head.name, error.issues));
      }
      throw error;
    }
    if (!version) throw new NotFoundError('Flow', flowId);
    return version;
  }

  private async flowHeads(requests: readonly IntakeRequest[]): Promise<Map<string, FlowHead>> {
    const ids = [...new Set(requests.map((request) => request.flowId))];
    const { rows } = await this.deps.pool.query<FlowHead>({ ...FLOW_HEADS, values: [ids] });
    return new Map(rows.map((row) => [row.id, row]));
  }

  private async keyedRuns(requests: readonly IntakeRequest[]): Promise<Map<string, string>> {
    const keyedRequests = requests.filter((request) => request.idempotencyKey !== undefined);
    if (keyedRequests.length === 0) return new Map();
    const { rows } = await this.deps.pool.query<{
      flow_id: string;
      idempotency_key: string;
      id: string;
    }>({
      ...KEYED_RUNS,
      values: [
        keyedRequests.map((request) => request.flowId),
        keyedRequests.map((request) => request.idempotencyKey),
      ],
    });
    return new Map(rows.map((row) => [keyOf(row.flow_id, row.idempotency_key), row.id]));
  }
}

function keyOf(flowId: string, key: string | undefined): string {
  return key === undefined ? '' : `${flowId}\u0000${key}`;
}

function overloaded(
  admission: Extract<Admission, { kind: 'refuse' }>,
  head: FlowHead | undefined,
): OverloadedError {
  const wait = `Try again in ${admission.retryAfterSeconds} s.`;
  if (admission.scope === 'flow') {
    return new OverloadedError(
      'flow',
      `Flow "${head?.name ?? 'unknown'}" has as many runs waiting as its settings allow (Max queued runs), so this run was not started. ${wait}`,
      admission.retryAfterSeconds,
      { flowId: head?.id, reason: admission.reason },
    );
  }
  return new OverloadedError(
    'server',
    admission.reason === 'queue-full'
      ? `Patchbay is shedding load: too many runs are waiting for a worker, so this run was not started. ${wait}`
      : `Patchbay is shedding load: runs wait too long for a worker, so this run was not started. ${wait}`,
    admission.retryAfterSeconds,
    { reason: admission.reason },
  );
}
