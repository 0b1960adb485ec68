/**
 * Error flows on real PostgreSQL and real workers: a failed run starts its flow's error flow once
 * (trigger `error`, input `{ failedRun }`); succeeded and cancelled runs, and failed runs of an
 * error flow, start none; two workers and a job that runs twice still start one; a deleted error
 * flow is logged and starts nothing.
 */
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chainFlow, httpNode, transformNode } from '../test-support/flow-documents.ts';
import { type ScriptedUpstream, startScriptedUpstream } from '../test-support/scripted-upstream.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import { RunStore } from '../worker/run-store.ts';
import { ERROR_FLOW_TASK, errorFlowIdempotencyKey } from './error-flow.ts';

const PUBLIC_URL = new URL('https://patchbay.example.com');

let t: TestApp;
let upstream: ScriptedUpstream;
let pool: pg.Pool;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  t = await startTestApp({ publicUrl: PUBLIC_URL, logger: pino({ level: 'info' }, sink) });
  upstream = await startScriptedUpstream();
  pool = new pg.Pool({ connectionString: t.database.url, max: 2 });
});

afterAll(async () => {
  await pool?.end();
  await upstream?.close();
  await t?.close();
});

/** A flow that records what it was given (its only node echoes the failed run's error code). */
async function alertFlow(name: string, errorFlowId?: string) {
  return t.client.flows.create.mutate({
    name,
    document: chainFlow(
      name,
      [transformNode('echo', 'failedRun.error.code')],
      errorFlowId ? { errorFlowId } : undefined,
    ),
  });
}

/** A flow whose second node always fails (a JSONata $error). */
async function failingFlow(name: string, errorFlowId: string | undefined) {
  return t.client.flows.create.mutate({
    name,
    document: chainFlow(
      name,
      [
        { ...transformNode('boom', '$error("it broke")'), label: 'Boom node' },
        transformNode('after', '1'),
      ],
      errorFlowId ? { errorFlowId } : undefined,
    ),
  });
}

async function runsOf(flowId: string) {
  return t.prisma.run.findMany({ where: { flowId }, orderBy: { createdAt: 'asc' } });
}

async function pendingErrorFlowJobs(): Promise<number> {
  const { rows } = await pool.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM graphile_worker.jobs WHERE task_identifier = $1`,
    [ERROR_FLOW_TASK],
  );
  return rows[0]?.count ?? 0;
}

/** Waits until every error-flow job was worked off, then until the runs it started finished. */
async function settled(flowId: string) {
  await vi.waitFor(async () => expect(await pendingErrorFlowJobs()).toBe(0), { timeout: 15_000 });
  for (const run of await runsOf(flowId)) await waitForRun(t.client, run.id);
  return runsOf(flowId);
}

describe('a run that fails', () => {
  it('starts its error flow once, with trigger error and the failed run as input', async () => {
    const alerts = await alertFlow('Alerts');
    const flow = await failingFlow('Nightly import', alerts.id);
    const started = await t.client.flows.run.mutate({ id: flow.id, input: { day: 3 } });
    const failed = await waitForRun(t.client, started.runId);
    expect(failed.status).toBe('failed');

    await vi.waitFor(async () => expect(await runsOf(alerts.id)).toHaveLength(1), {
      timeout: 15_000,
    });
    const [errorRun] = await settled(alerts.id);
    const row = await t.prisma.run.findUniqueOrThrow({ where: { id: failed.id } });
    expect(errorRun).toMatchObject({
      trigger: 'error',
      idempotencyKey: errorFlowIdempotencyKey(failed.id),
      status: 'succeeded',
    });
    expect(errorRun?.input).toEqual({
      failedRun: {
        id: failed.id,
        flowId: flow.id,
        flowName: 'Nightly import',
        trigger: 'manual',
        status: 'failed',
        error: { code: failed.error?.code, message: failed.error?.message },
        failedNodeId: 'boom',
        failedNodeLabel: 'Boom node',
        startedAt: row.startedAt?.toISOString(),
        finishedAt: row.finishedAt?.toISOString(),
        durationMs: row.durationMs,
        url: `https://patchbay.example.com/runs/${failed.id}`,
      },
    });
    const detail = await waitForRun(t.client, errorRun!.id);
    expect(detail.steps.find((step) => step.nodeId === 'echo')?.output).toBe(failed.error?.code);
    // The error run's history names it so.
    const history = await t.client.runs.list.query({ flowId: alerts.id, trigger: 'error' });
    expect(history.items.map((run) => run.id)).toEqual([errorRun!.id]);
  });

  it('starts it once even when its job runs again (crash after the start) and with two workers', async () => {
    const second = await t.startWorker();
    try {
      const alerts = await alertFlow('Alerts (two workers)');
      const flow = await failingFlow('Flaky sync', alerts.id);
      const runIds = await Promise.all(
        Array.from({ length: 6 }, async () => {
          // Their error-flow jobs are taken by whichever worker's queue runner gets them first.
          const started = await t.client.flows.run.mutate({ id: flow.id });
          return started.runId;
        }),
      );
      for (const runId of runIds) expect((await waitForRun(t.client, runId)).status).toBe('failed');
      await vi.waitFor(async () => expect(await runsOf(alerts.id)).toHaveLength(6), {
        timeout: 15_000,
      });
      // A worker that died after starting the error flow, before completing its job: the job
      // runs again, on either worker, and finds the run started under the same key.
      await pool.query(
        `SELECT graphile_worker.add_job($1, json_build_object('runId', id)) FROM unnest($2::uuid[]) id`,
        [ERROR_FLOW_TASK, runIds],
      );
      const errorRuns = await settled(alerts.id);
      expect(errorRuns).toHaveLength(6);
      expect(new Set(errorRuns.map((run) => run.idempotencyKey))).toEqual(
        new Set(runIds.map(errorFlowIdempotencyKey)),
      );
    } finally {
      await second.stop();
    }
  });

  it('has its error flow job committed with the failure, whatever path failed it', async () => {
    const alerts = await alertFlow('Alerts (store)');
    const flow = await failingFlow('Timed out', alerts.id);
    const version = await t.prisma.flowVersion.findFirstOrThrow({ where: { flowId: flow.id } });
    // A run executing on a worker that records its failure (here a run timeout) through the
    // store, as every failing path does: worker finish, inline runs, poison runs, timeouts.
    const run = await t.prisma.run.create({
      data: {
        flowId: flow.id,
        flowVersionId: version.id,
        trigger: 'webhook',
        status: 'running',
        startedAt: new Date(Date.now() - 1_000),
        leaseOwner: 'elsewhere:1:0000',
        leaseExpiresAt: new Date(Date.now() + 60_000),
      },
    });
    const recorded = await new RunStore(pool).finish({
      runId: run.id,
      owner: 'elsewhere:1:0000',
      status: 'failed',
      error: { code: 'RUN_TIMEOUT', message: 'The run took too long', retryable: false },
      steps: [],
    });
    expect(recorded).toBe(true);
    await vi.waitFor(async () => expect(await runsOf(alerts.id)).toHaveLength(1), {
      timeout: 15_000,
    });
    const [errorRun] = await settled(alerts.id);
    expect(errorRun?.input).toMatchObject({
      failedRun: {
        id: run.id,
        trigger: 'webhook',
        error: { code: 'RUN_TIMEOUT', message: 'The run took too long' },
        failedNodeId: null,
        failedNodeLabel: null,
      },
    });
  });
});

describe('runs that start no error flow', () => {
  it('a succeeded run and a cancelled run', async () => {
    const alerts = await alertFlow('Alerts (quiet)');
    const fine = await t.client.flows.create.mutate({
      name: 'Fine',
      document: chainFlow('Fine', [transformNode('ok', '1')], { errorFlowId: alerts.id }),
    });
    upstream.script('/slow', { latencyMs: 30_000 });
    const slow = await t.client.flows.create.mutate({
      name: 'Slow',
      document: chainFlow('Slow', [httpNode('wait', `${upstream.url}/slow`)], {
        errorFlowId: alerts.id,
      }),
    });
    const succeeded = await t.client.flows.run.mutate({ id: fine.id });
    expect((await waitForRun(t.client, succeeded.runId)).status).toBe('succeeded');
    const cancelled = await t.client.flows.run.mutate({ id: slow.id });
    await vi.waitFor(() => expect(upstream.hits('/slow')).toBe(1), { timeout: 15_000 });
    await t.client.runs.cancel.mutate({ id: cancelled.runId });
    expect((await waitForRun(t.client, cancelled.runId)).status).toBe('cancelled');

    // A failure after them is handled: by then theirs would have been too.
    const failing = await failingFlow('Sentinel', alerts.id);
    const sentinel = await t.client.flows.run.mutate({ id: failing.id });
    await waitForRun(t.client, sentinel.runId);
    await vi.waitFor(async () => expect(await runsOf(alerts.id)).toHaveLength(1), {
      timeout: 15_000,
    });
    const errorRuns = await settled(alerts.id);
    expect(errorRuns.map((run) => run.idempotencyKey)).toEqual([
      errorFlowIdempotencyKey(sentinel.runId),
    ]);
  });

  it('a failed run of an error flow: error flows never chain', async () => {
    const last = await alertFlow('Last resort');
    // "Alerts that fail" fails, and names an error flow of its own.
    const failingAlerts = await failingFlow('Alerts that fail', last.id);
    const flow = await failingFlow('Chained', failingAlerts.id);
    const started = await t.client.flows.run.mutate({ id: flow.id });
    await waitForRun(t.client, started.runId);
    await vi.waitFor(async () => expect(await runsOf(failingAlerts.id)).toHaveLength(1), {
      timeout: 15_000,
    });
    const [errorRun] = await settled(failingAlerts.id);
    expect(errorRun).toMatchObject({ trigger: 'error', status: 'failed' });

    // Started by hand, the same flow's failure does start its error flow: the setting works.
    const manual = await t.client.flows.run.mutate({ id: failingAlerts.id });
    await waitForRun(t.client, manual.runId);
    await vi.waitFor(async () => expect(await runsOf(last.id)).toHaveLength(1), {
      timeout: 15_000,
    });
    const lastRuns = await settled(last.id);
    expect(lastRuns.map((run) => run.idempotencyKey)).toEqual([
      errorFlowIdempotencyKey(manual.runId),
    ]);
  });

  it('a failed run whose error flow was deleted since: logged, nothing started, no retry', async () => {
    const gone = await alertFlow('Deleted alerts');
    const flow = await failingFlow('Orphaned', gone.id);
    await t.client.flows.delete.mutate({ id: gone.id });
    const started = await t.client.flows.run.mutate({ id: flow.id });
    await waitForRun(t.client, started.runId);
    await vi.waitFor(
      () =>
        expect(
          logLines.find(
            (line) =>
              line.runId === started.runId &&
              String(line.msg).startsWith('Could not start the error flow'),
          ),
        ).toMatchObject({
          level: 50,
          flowId: flow.id,
          errorFlowId: gone.id,
          code: 'FLOW_DELETED',
        }),
      { timeout: 15_000 },
    );
    expect(await pendingErrorFlowJobs()).toBe(0);
    expect(await runsOf(gone.id)).toHaveLength(0);
    // The flow still saves with the setting unchanged, and still runs.
    const saved = await t.client.flows.update.mutate({ id: flow.id, name: 'Orphaned (renamed)' });
    expect(saved.document.settings?.errorFlowId).toBe(gone.id);
  });
});

describe('saving settings.errorFlowId', () => {
  it('refuses the flow itself, an unknown flow and a deleted flow, naming the flow and field', async () => {
    const own = await alertFlow('Self');
    const document = (errorFlowId: string) =>
      chainFlow('Self', [transformNode('echo', '1')], { errorFlowId });
    await expect(
      t.client.flows.update.mutate({ id: own.id, document: document(own.id) }),
    ).rejects.toThrow(
      'Flow "Self" is invalid: Flow "Self": settings.errorFlowId names the flow itself',
    );
    const unknown = '00000000-0000-4000-8000-000000000000';
    await expect(
      t.client.flows.create.mutate({ name: 'Self', document: document(unknown) }),
    ).rejects.toThrow(`settings.errorFlowId names no flow (id ${unknown})`);
    const deleted = await alertFlow('Deleted target');
    await t.client.flows.delete.mutate({ id: deleted.id });
    await expect(
      t.client.flows.update.mutate({ id: own.id, document: document(deleted.id) }),
    ).rejects.toThrow('settings.errorFlowId names flow "Deleted target", which is deleted');
    const issues = await t.client.flows.update
      .mutate({ id: own.id, document: document(deleted.id) })
      .catch((error: { data?: { issues?: unknown } }) => error.data?.issues);
    expect(issues).toEqual([
      expect.objectContaining({ path: ['settings', 'errorFlowId'], code: 'document.invalid' }),
    ]);
  });
});
