import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PeriodicTask } from './periodic-task.ts';

describe('PeriodicTask', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const logger = () => ({ error: vi.fn() });

  it('runs first after half the capped interval (random 0), then every interval, never overlapping', async () => {
    let passes = 0;
    let release: (() => void) | undefined;
    const task = new PeriodicTask({
      intervalMs: 10_000,
      run: () => {
        passes += 1;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
      failureMessage: 'failed',
      logger: logger(),
      random: () => 0,
    });
    task.start();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(passes).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(passes).toBe(1);
    // A slow pass: the next is scheduled only once it ends.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(passes).toBe(1);
    release?.();
    await vi.advanceTimersByTimeAsync(9_000);
    expect(passes).toBe(2);
    const stopped = task.stop();
    expect(task.stopping).toBe(true);
    release?.();
    await stopped;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(passes).toBe(2);
  });

  it('logs a failed pass and keeps its schedule', async () => {
    const log = logger();
    let passes = 0;
    const task = new PeriodicTask({
      intervalMs: 1_000,
      run: async () => {
        passes += 1;
        throw new Error('database down');
      },
      failureMessage: 'Pruning run history failed',
      logger: log,
      random: () => 0.5,
    });
    task.start();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(passes).toBe(3);
    expect(log.error).toHaveBeenCalledWith(
      { err: expect.any(Error) },
      'Pruning run history failed',
    );
    await task.stop();
  });
});
