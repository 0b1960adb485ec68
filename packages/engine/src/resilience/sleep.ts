/** Waiting on the injected clock, cut short by an abort signal. */
import type { Clock } from '../clock.ts';

/** Resolves true after `ms` on `clock`, or false as soon as `signal` aborts (at once if it has). */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      cancelTimer();
      resolve(false);
    };
    const cancelTimer = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
