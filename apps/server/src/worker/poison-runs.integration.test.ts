/**
 * Poison runs: a run whose executions keep ending with a dead or stalled worker is failed with
 * POISON_RUN instead of being resumed on the next worker. Runs here are written as a killed
 * worker leaves them; test/e2e/poison-run.test.ts kills real worker processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, httpNode } from '../test-support/flow-documents.ts';
import { type ScriptedUpstream, startScriptedUpstream } from '../test-support/scripted-upstream.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import type { WorkerProcess } from './worker-process.ts';

const MAX_EXECUTIONS = 2;

let t: TestApp;
let upstream: ScriptedUpstream;
let worker: WorkerProcess;

beforeAll(async () => {
  t = await startTestApp({ worker: { leaseMs: 2_000, maxRunExecutions: MAX_EXECUTIONS } });
  worker = t.worker!;
  upstream = await startScriptedUpstream();
});

afterAll(async () => {
  await upstream?.close();
  await t?.close();
});

const ago = (ms: number) => new Date(Date.now() - ms);

/**
 * A run of trigger -> first -> slow as a worker leaves it when it dies during "slow": owner set,
 * lease expired, "slow" still running, and a job to pick it up. `interruptions` earlier
 * executions ended the same way.
 */
async function runLeftByDeadWorker(name: string, interruptions: number) {
  const flow = await t.client.flows.create.mutate({
    name,
    document: chainFlow(name, [
      httpNode('first', `${upstream.url}/${name}/first`),
      httpNode('slow', `${upstream.url}/${name}/slow`),
    ]),
  });
  const version = await t.prisma.flowVersion.findFirstOrThrow({ where: { flowId: flow.id } });
  return t.prisma.$transaction(async (tx) => {
    const run = await tx.run.create({
      data: {
        flowId: flow.id,
        flowVersionId: version.id,
        trigger: 'manual',
        status: 'running',
        startedAt: ago(10_000),
        deadlineAt: new Date(Date.now() + 3_600_000),
        executions: interruptions + 1,
        interruptions,
        leaseOwner: 'dead-host:1:0000',
        leaseExpiresAt: ago(500),
      },
    });
    const step = { runId: run.id, nodeType: 'http.request', startedAt: ago(9_000) };
    await tx.stepRun.createMany({
      data: [
        {
          ...step,
          nodeId: 'trigger',
          nodeType: 'trigger.manual',
          attempt: 1,
          status: 'succeeded',
          output: {},
          seq: 1,
        },
        {
          ...step,
          nodeId: 'first',
          attempt: 1,
          status: 'succeeded',
          output: { status: 200 },
          seq: 2,
        },
        ...Array.from({ length: interruptions }, (_, i) => ({
          ...step,
          nodeId: 'slow',
          attempt: i + 1,
          status: 'failed',
          error: { code: 'WORKER_LOST', message: 'lost', retryable: true },
          seq: 3 + i,
        })),
        {
          ...step,
          nodeId: 'slow',
          attempt: interruptions + 1,
          status: 'running',
          seq: 3 + interruptions,
        },
      ],
    });
    await tx.$executeRawUnsafe(
      `SELECT graphile_worker.add_job('run', json_build_object('runId', $1::text, 'flowVersionId', $2::text),
         job_key := 'run:' || $1::text)`,
      run.id,
      version.id,
    );
    return run;
  });
}

describe('a run whose worker keeps dying', () => {
  it(`is failed with POISON_RUN once it was interrupted ${MAX_EXECUTIONS} times, and not resumed`, async () => {
    const run = await runLeftByDeadWorker('poison', MAX_EXECUTIONS - 1);
    // The sweeper frees the expired lease (the last interruption); the worker then claims it.
    await worker.sweep();
    const failed = await waitForRun(t.client, run.id);

    expect(failed).toMatchObject({
      status: 'failed',
      error: {
        code: 'POISON_RUN',
        retryable: false,
        details: { interruptions: MAX_EXECUTIONS, maxExecutions: MAX_EXECUTIONS },
      },
    });
    expect(failed.error?.message).toBe(
      `The run was interrupted ${MAX_EXECUTIONS} times: each time, the worker executing it died or ` +
        'stopped responding and lost its lease. It is not resumed again, so that it cannot take ' +
        `down more workers (at most ${MAX_EXECUTIONS} executions, PATCHBAY_MAX_RUN_EXECUTIONS).`,
    );
    // Nothing ran again; the attempt that was running when the worker died is closed.
    expect(upstream.hits('/poison/slow')).toBe(0);
    const slow = failed.steps.filter((step) => step.nodeId === 'slow');
    expect(slow.map((step) => step.status)).toEqual(['failed', 'failed']);
    expect(slow.at(-1)?.error).toMatchObject({
      code: 'WORKER_LOST',
      message: `Attempt ${MAX_EXECUTIONS} of node "slow" was interrupted: the worker executing it stopped before it finished.`,
    });

    // A job that turns up later finds nothing to do.
    await t.prisma.$executeRawUnsafe(
      `SELECT graphile_worker.add_job('run', json_build_object('runId', $1::text))`,
      run.id,
    );
    await worker.sweep();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await t.prisma.run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: 'failed',
    });
    expect(upstream.hits('/poison/slow')).toBe(0);
  });

  it('counts a takeover of an expired lease by a claim as an interruption too', async () => {
    const run = await runLeftByDeadWorker('taken-over', MAX_EXECUTIONS - 1);
    // No sweep: the job is there, and the claim itself finds the lease expired.
    const failed = await waitForRun(t.client, run.id);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'POISON_RUN' } });
    expect(upstream.hits('/taken-over/slow')).toBe(0);
  });

  it('resumes a run interrupted fewer times, and does not count its suspensions', async () => {
    const run = await runLeftByDeadWorker('survivor', MAX_EXECUTIONS - 2);
    // Suspended many times before (long retry waits): those executions ended on purpose.
    await t.prisma.run.update({ where: { id: run.id }, data: { executions: 7 } });
    await worker.sweep();
    const resumed = await waitForRun(t.client, run.id);
    expect(resumed).toMatchObject({ status: 'succeeded', executions: 8 });
    expect(upstream.hits('/survivor/slow')).toBe(1);
    const row = await t.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(row.interruptions).toBe(MAX_EXECUTIONS - 1);
  });
});
