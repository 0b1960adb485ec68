/**
 * Bounded run data: a step output over the cap fails the step (OUTPUT_TOO_LARGE, not retried,
 * nothing large stored); large allowed values come back from runs.get as previews with their full
 * size, within a per-run budget; runs.value returns a whole value; a batch of runs.get is bounded.
 */
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, transformNode } from '../test-support/flow-documents.ts';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';
import type { AppRouter } from '../trpc/root.ts';
import type { TruncatedValue } from './run-views.ts';

const MAX_OUTPUT = 100_000;
const PREVIEW = 1024;
const BUDGET = 8 * 1024;
const MAX_BATCH_RESPONSE = 128 * 1024;

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({
    worker: { maxStepOutputBytes: MAX_OUTPUT },
    runPreviews: { previewBytes: PREVIEW, runBudgetBytes: BUDGET },
    maxBatchResponseBytes: MAX_BATCH_RESPONSE,
  });
});
afterAll(async () => {
  await t?.close();
});

async function runFlow(name: string, nodes: ReturnType<typeof transformNode>[], input?: unknown) {
  const flow = await t.client.flows.create.mutate({ name, document: chainFlow(name, nodes) });
  const { runId } = await t.client.flows.run.mutate({ id: flow.id, input });
  return waitForRun(t.client, runId);
}

/** A transform whose output is a string of `length` characters `char`. */
const padded = (id: string, length: number, char = 'x') =>
  transformNode(id, `$pad("", ${length}, "${char}")`);

describe('the step output cap', () => {
  it('fails a step whose output is over the cap, without retrying it or storing the output', async () => {
    const flow = await t.client.flows.create.mutate({
      name: 'Too big',
      document: chainFlow('Too big', [
        { ...padded('big', 3 * MAX_OUTPUT), policy: { retry: { maxAttempts: 3, retryOn: 'any' } } },
        transformNode('after', '"never"'),
      ]),
    });
    const { runId } = await t.client.flows.run.mutate({ id: flow.id });
    const run = await waitForRun(t.client, runId);

    const bytes = 3 * MAX_OUTPUT + 2; // the JSON string's quotes
    expect(run).toMatchObject({
      status: 'failed',
      error: {
        code: 'OUTPUT_TOO_LARGE',
        nodeId: 'big',
        retryable: false,
        message: `Node "big" produced 293.0 KiB (${bytes} bytes) of output; the limit is 97.7 KiB (${MAX_OUTPUT} bytes)`,
        details: { bytes, limitBytes: MAX_OUTPUT },
      },
    });
    const big = run.steps.filter((step) => step.nodeId === 'big');
    expect(big.map((step) => [step.attempt, step.status, step.output])).toEqual([
      [1, 'failed', null],
    ]);
    expect(run.steps.some((step) => step.nodeId === 'after')).toBe(false);
    const [stored] = await t.prisma.$queryRaw<{ largest: number }[]>`
      SELECT max(octet_length(COALESCE(output::text, '')) + octet_length(COALESCE(input::text, '')))::int AS largest
        FROM step_runs WHERE run_id = ${runId}::uuid`;
    expect(stored?.largest).toBeLessThan(1000);
  });

  it('lets an output at the cap through', async () => {
    const run = await runFlow('At the cap', [padded('full', MAX_OUTPUT - 2)]);
    expect(run.status).toBe('succeeded');
  });
});

describe('previews of large values', () => {
  it('returns a large output and the next input as previews with the full size', async () => {
    const length = 20_000;
    const run = await runFlow('Large but allowed', [
      padded('big', length, 'é'),
      transformNode('size', '$length($)'),
    ]);
    expect(run.status).toBe('succeeded');
    const big = run.steps.find((step) => step.nodeId === 'big')!;
    const size = run.steps.find((step) => step.nodeId === 'size')!;
    const bytes = 2 * length + 2;
    for (const [value, truncated] of [
      [big.output, big.outputTruncated],
      [size.input, size.inputTruncated],
    ] as const) {
      expect(truncated).toBe(true);
      const preview = value as TruncatedValue;
      expect(preview).toMatchObject({ truncated: true, bytes });
      expect(Buffer.byteLength(preview.preview)).toBeLessThanOrEqual(PREVIEW);
      expect(Buffer.byteLength(preview.preview)).toBeGreaterThan(PREVIEW - 2);
      expect(preview.preview).toBe(`"${'é'.repeat(preview.preview.length - 1)}`);
    }
    expect(size).toMatchObject({ output: length, outputTruncated: false });

    const whole = await t.client.runs.value.query({
      runId: run.id,
      stepId: big.id,
      field: 'output',
    });
    expect(whole.bytes).toBe(bytes);
    expect(JSON.parse(whole.json)).toBe('é'.repeat(length));
  });

  it('previews a large run input, which runs.value returns whole', async () => {
    const input = { note: 'n'.repeat(5_000) };
    const run = await runFlow('Large input', [transformNode('pick', 'note ~> $length()')], input);
    expect(run.inputTruncated).toBe(true);
    const whole = await t.client.runs.value.query({ runId: run.id, field: 'input' });
    expect(JSON.parse(whole.json)).toEqual(input);
    // Sizes are of the JSON text as PostgreSQL renders it, which runs.value returns.
    expect(run.input).toMatchObject({ truncated: true, bytes: whole.bytes });
    expect(whole.bytes).toBeGreaterThan(5_000);
    expect(run.steps.find((step) => step.nodeId === 'pick')?.output).toBe(5_000);
  });

  it('keeps a run with many large steps within its budget, giving every size', async () => {
    const nodes = Array.from({ length: 12 }, (_, i) => padded(`s${i}`, 3_000 + i));
    const run = await runFlow('Many large steps', nodes);
    expect(run.status).toBe('succeeded');
    const values = run.steps.flatMap((step) => [step.input, step.output]);
    const shownBytes = values.reduce<number>((sum, value) => {
      const shown = typeof value === 'object' && value !== null && 'preview' in value;
      return sum + (shown ? Buffer.byteLength((value as TruncatedValue).preview) : 0);
    }, 0);
    expect(shownBytes).toBeLessThanOrEqual(BUDGET);
    const last = run.steps.find((step) => step.nodeId === 's11')!;
    expect(last.output).toEqual({ truncated: true, bytes: 3_013, preview: '' });
    expect(Buffer.byteLength(JSON.stringify(run))).toBeLessThan(BUDGET + 16 * 1024);
  });

  it('answers a batch of runs.get within the response limit, or refuses it whole', async () => {
    const run = await runFlow(
      'Batched',
      Array.from({ length: 8 }, (_, i) => padded(`s${i}`, 2_000)),
    );
    const batch = async (count: number) => {
      const paths = new Array(count).fill('runs.get').join(',');
      const input = Object.fromEntries(
        Array.from({ length: count }, (_, i) => [i, { id: run.id }]),
      );
      const response = await fetch(
        `${t.baseUrl}/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`,
        { headers: { authorization: `Bearer ${t.owner.token}` } },
      );
      const text = await response.text();
      return { status: response.status, bytes: Buffer.byteLength(text), body: JSON.parse(text) };
    };
    const few = await batch(3);
    expect(few.status).toBe(200);
    expect(few.bytes).toBeLessThanOrEqual(MAX_BATCH_RESPONSE);

    const many = await batch(20);
    expect(many.status).toBe(413);
    expect(many.bytes).toBeLessThan(16 * 1024);
    expect(many.body).toHaveLength(20);
    expect(many.body[0]).toMatchObject({
      error: {
        data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413, path: 'runs.get' },
        message: expect.stringContaining('Send fewer calls per request'),
      },
    });
  });
});

describe('runs.value', () => {
  it('refuses an output without a step, and unknown runs or steps', async () => {
    const run = await runFlow('Values', [transformNode('one', '1')]);
    const code = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(TRPCClientError);
      return (error as TRPCClientError<AppRouter>).data?.code;
    };
    expect(await code(t.client.runs.value.query({ runId: run.id, field: 'output' }))).toBe(
      'BAD_REQUEST',
    );
    const missing = '00000000-0000-4000-8000-000000000000';
    expect(await code(t.client.runs.value.query({ runId: missing, field: 'input' }))).toBe(
      'NOT_FOUND',
    );
    expect(
      await code(t.client.runs.value.query({ runId: run.id, stepId: missing, field: 'output' })),
    ).toBe('NOT_FOUND');
    const step = run.steps.find((candidate) => candidate.nodeId === 'one')!;
    expect(
      await t.client.runs.value.query({ runId: run.id, stepId: step.id, field: 'output' }),
    ).toEqual({ json: '1', bytes: 1 });
  });
});
