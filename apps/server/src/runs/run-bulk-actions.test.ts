import { PatchbayError } from '@patchbay/engine';
import { describe, expect, it } from 'vitest';
import { NotFoundError, RunStateError } from '../domain-errors.ts';
import { refusalOf, settleEach } from './run-bulk-actions.ts';

describe('acting on many runs', () => {
  it('answers one result per id in the order asked, whatever order they settle in', async () => {
    const delays: Record<string, number> = { a: 30, b: 0, c: 15, d: 5, e: 0 };
    const results = await settleEach(Object.keys(delays), async (id) => {
      await new Promise((resolve) => setTimeout(resolve, delays[id]));
      if (id === 'c') throw new RunStateError('RUN_NOT_RETRYABLE', `Run "c" is succeeded.`);
      return { runId: `new-${id}` };
    });
    expect(results).toEqual([
      { id: 'a', ok: true, runId: 'new-a' },
      { id: 'b', ok: true, runId: 'new-b' },
      { id: 'c', ok: false, code: 'RUN_NOT_RETRYABLE', message: 'Run "c" is succeeded.' },
      { id: 'd', ok: true, runId: 'new-d' },
      { id: 'e', ok: true, runId: 'new-e' },
    ]);
  });

  it('acts on at most four runs at a time', async () => {
    let active = 0;
    let most = 0;
    await settleEach(
      Array.from({ length: 12 }, (_, i) => `r${i}`),
      async () => {
        active++;
        most = Math.max(most, active);
        await new Promise((resolve) => setTimeout(resolve, 1));
        active--;
        return {};
      },
    );
    expect(most).toBe(4);
  });

  it('names the run in a refusal whose message does not', () => {
    const error = new PatchbayError('FLOW_DELETED', 'Flow "Orders" was deleted, so it cannot run.');
    expect(refusalOf('r1', error)).toEqual({
      id: 'r1',
      ok: false,
      code: 'FLOW_DELETED',
      message: 'Run "r1": Flow "Orders" was deleted, so it cannot run.',
    });
    expect(refusalOf('r2', new NotFoundError('Run', 'r2')).message).toBe(
      'Run "r2" was not found. It may have been deleted.',
    );
  });

  it('throws an unexpected error after the runs in flight settle, starting no others', async () => {
    const started: string[] = [];
    const settled: string[] = [];
    const ids = Array.from({ length: 10 }, (_, i) => `r${i}`);
    const outcome = settleEach(ids, async (id) => {
      started.push(id);
      if (id === 'r0') throw new Error('connection reset');
      await new Promise((resolve) => setTimeout(resolve, 5));
      settled.push(id);
      return {};
    });
    await expect(outcome).rejects.toThrow('connection reset');
    expect(started).toEqual(['r0', 'r1', 'r2', 'r3']);
    expect(settled.sort()).toEqual(['r1', 'r2', 'r3']);
  });
});
