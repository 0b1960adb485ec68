import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Sandbox, type SandboxOptions } from './sandbox.ts';
import {
  SandboxClosedError,
  SandboxCrashedError,
  SandboxMemoryLimitError,
  SandboxTaskError,
  SandboxTimeoutError,
} from './sandbox-errors.ts';
import type { TestTaskInput } from './test-support/test-task.ts';

const TEST_TASK = new URL('./test-support/test-task.ts', import.meta.url);

const open: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((sandbox) => sandbox.close()));
});

function sandbox(options: Partial<SandboxOptions> = {}): Sandbox {
  const created = new Sandbox({ tasks: { test: TEST_TASK }, ...options });
  open.push(created);
  return created;
}

const run = (box: Sandbox, input: TestTaskInput, timeoutMs = 20_000, signal?: AbortSignal) =>
  box.run('test', input, { timeoutMs, signal });

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Sandbox', () => {
  it('runs a task in another process and returns its result as JSON', async () => {
    const box = sandbox();
    await expect(run(box, { op: 'echo', value: { a: [1, 'two', null] } })).resolves.toEqual({
      a: [1, 'two', null],
    });
    const pid = await run(box, { op: 'pid' });
    expect(pid).not.toBe(process.pid);
    await expect(run(box, { op: 'echo', value: undefined })).resolves.toBeUndefined();
  });

  it('kills a task that holds its process past the time limit; the next task gets a new process', async () => {
    const box = sandbox({ maxProcesses: 1 });
    const first = (await run(box, { op: 'pid' })) as number;
    const error = await run(box, { op: 'spin' }, 300).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxTimeoutError);
    expect(error).toMatchObject({ code: 'SANDBOX_TIMEOUT', timeoutMs: 300 });
    const second = (await run(box, { op: 'pid' })) as number;
    expect(second).not.toBe(first);
    await vi.waitFor(() => expect(isAlive(first)).toBe(false));
  });

  it('ends a process that runs out of its heap; this process and its heap are untouched', async () => {
    const box = sandbox({ memoryMb: 64, maxProcesses: 1 });
    await run(box, { op: 'pid' });
    const heapBefore = process.memoryUsage().heapUsed;
    const error = await run(box, { op: 'allocate' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxMemoryLimitError);
    expect(error).toMatchObject({ code: 'SANDBOX_MEMORY_LIMIT', bound: 'heap', limit: 64 });
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(32 * 1024 * 1024);
    await expect(run(box, { op: 'echo', value: 'still here' })).resolves.toBe('still here');
  });

  it('reports what a task threw, with its code and details', async () => {
    const box = sandbox();
    const error = await run(box, { op: 'throw', code: 'E_TEST', message: 'nope' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SandboxTaskError);
    expect((error as SandboxTaskError).thrown).toEqual({
      name: 'Error',
      message: 'nope',
      code: 'E_TEST',
      details: { from: 'test-task' },
    });
  });

  it('refuses a result larger than its cap', async () => {
    const box = sandbox({ maxResultChars: 1_000 });
    await expect(run(box, { op: 'big', chars: 500 })).resolves.toHaveLength(500);
    await expect(run(box, { op: 'big', chars: 5_000 })).rejects.toMatchObject({
      code: 'SANDBOX_MEMORY_LIMIT',
      bound: 'result',
      limit: 1_000,
    });
  });

  it('stops a running task when its caller aborts, and drops a queued one', async () => {
    const box = sandbox({ maxProcesses: 1 });
    const pid = (await run(box, { op: 'pid' })) as number;
    const controller = new AbortController();
    const running = run(box, { op: 'spin' }, 60_000, controller.signal);
    const queued = run(box, { op: 'echo', value: 1 }, 60_000, controller.signal);
    const reason = new Error('attempt cancelled');
    await vi.waitFor(() => expect(box.stats).toMatchObject({ busy: 1, queued: 1 }));
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    await expect(queued).rejects.toBe(reason);
    await vi.waitFor(() => expect(isAlive(pid)).toBe(false));
    await expect(run(box, { op: 'echo', value: 2 })).resolves.toBe(2);
  });

  it('queues tasks beyond its processes and runs each in turn', async () => {
    const box = sandbox({ minProcesses: 0, maxProcesses: 2 });
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((value) => run(box, { op: 'sleep', ms: 50, value })),
    );
    expect(results).toEqual([1, 2, 3, 4, 5]);
    expect(box.stats.started).toBeLessThanOrEqual(2);
  });

  it('fails queued tasks when it closes, and leaves no process behind', async () => {
    const box = new Sandbox({ tasks: { test: TEST_TASK }, maxProcesses: 1 });
    const pid = (await run(box, { op: 'pid' })) as number;
    const running = run(box, { op: 'spin' }).catch((e: unknown) => e);
    const queued = run(box, { op: 'echo', value: 1 }).catch((e: unknown) => e);
    await vi.waitFor(() => expect(box.stats).toMatchObject({ busy: 1, queued: 1 }));
    await box.close();
    expect(await running).toBeInstanceOf(SandboxClosedError);
    expect(await queued).toBeInstanceOf(SandboxClosedError);
    await expect(run(box, { op: 'pid' })).rejects.toBeInstanceOf(SandboxClosedError);
    expect(isAlive(pid)).toBe(false);
    expect(box.stats.processes).toBe(0);
  });

  it('fails tasks, rather than restarting in a loop, when a task module cannot load', async () => {
    const errors: unknown[] = [];
    const box = new Sandbox({
      tasks: { broken: new URL('./test-support/broken-task.ts', import.meta.url) },
      minProcesses: 1,
      onProcessError: (error) => errors.push(error),
    });
    open.push(box);
    const error = await box.run('broken', {}, { timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxCrashedError);
    expect((error as Error).message).toMatch(/while starting.*broken on purpose/s);
    await vi.waitFor(() => expect(box.stats.processes).toBe(0));
    expect(box.stats.started).toBeLessThanOrEqual(2);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('has its processes end themselves when this process dies without closing it', async () => {
    const parent = spawn(
      process.execPath,
      [new URL('./test-support/orphan-parent.ts', import.meta.url).pathname],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    parent.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      const pid = await vi.waitFor(
        () => {
          const match = /sandbox-pid=(\d+)/.exec(output);
          if (!match) throw new Error(`no sandbox pid yet: ${output}`);
          return Number(match[1]);
        },
        { timeout: 20_000, interval: 50 },
      );
      expect(isAlive(pid)).toBe(true);
      parent.kill('SIGKILL');
      // The sandbox process is busy in a loop that never yields; its watchdog thread ends it.
      await vi.waitFor(() => expect(isAlive(pid)).toBe(false), { timeout: 10_000, interval: 50 });
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
