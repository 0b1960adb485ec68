import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';

/** A writer whose batches finish only when the test says so. */
function controlledWriter() {
  const batches: { items: number[]; finish: () => void; fail: (error: Error) => void }[] = [];
  const write = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({
        items,
        finish: () => resolve(items.map((item) => `done ${item}`)),
        fail: reject,
      });
    });
  return { batches, write };
}

describe('GroupCommit', () => {
  it('writes items submitted in the same turn together, and the ones arriving meanwhile in the next batch', async () => {
    const { batches, write } = controlledWriter();
    const commit = new GroupCommit({ write, maxBatch: 100, maxInFlight: 1 });
    const first = [1, 2, 3].map((item) => commit.submit(item));
    await expect.poll(() => batches.length).toBe(1);
    expect(batches[0]?.items).toEqual([1, 2, 3]);

    const later = [4, 5].map((item) => commit.submit(item));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toHaveLength(1); // waits for the batch under way
    expect(commit.backlog).toBe(2);
    batches[0]?.finish();
    expect(await Promise.all(first)).toEqual(['done 1', 'done 2', 'done 3']);
    await expect.poll(() => batches.length).toBe(2);
    expect(batches[1]?.items).toEqual([4, 5]);
    batches[1]?.finish();
    expect(await Promise.all(later)).toEqual(['done 4', 'done 5']);
  });

  it('splits at maxBatch and writes up to maxInFlight batches at once', async () => {
    const { batches, write } = controlledWriter();
    const commit = new GroupCommit({ write, maxBatch: 2, maxInFlight: 2 });
    const all = [1, 2, 3, 4, 5].map((item) => commit.submit(item));
    await expect.poll(() => batches.length).toBe(2);
    expect(batches.map((batch) => batch.items)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    batches[0]?.finish();
    await expect.poll(() => batches.length).toBe(3);
    expect(batches[2]?.items).toEqual([5]);
    batches[1]?.finish();
    batches[2]?.finish();
    expect(await Promise.all(all)).toHaveLength(5);
  });

  it('fails every item of a failed batch, and goes on with the next', async () => {
    const { batches, write } = controlledWriter();
    const commit = new GroupCommit({ write, maxBatch: 10, maxInFlight: 1 });
    const failing = [commit.submit(1), commit.submit(2)];
    await expect.poll(() => batches.length).toBe(1);
    const next = commit.submit(3);
    batches[0]?.fail(new Error('database gone'));
    for (const item of failing) await expect(item).rejects.toThrow('database gone');
    await expect.poll(() => batches.length).toBe(2);
    batches[1]?.finish();
    expect(await next).toBe('done 3');
  });
});
