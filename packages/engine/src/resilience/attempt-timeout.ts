/**
 * One attempt of a node, bounded by its timeout. The attempt gets its own abort signal; at the
 * timeout (or when the run interrupts it) the attempt settles at once with the reason, whether or
 * not the node honours its signal, so a hung connector cannot hold the run.
 */
import type { Clock } from '../clock.ts';
import type { PatchbayError } from '../errors.ts';

/** A running attempt, as the run sees it. */
export type AttemptHandle = {
  readonly signal: AbortSignal;
  /** Signals the node to stop and lets it finish its own way (the run was cancelled). */
  abort(reason: unknown): void;
  /** Settles the attempt now with `reason`, then signals the node (timeout, run deadline). */
  interrupt(reason: PatchbayError): void;
};

export type AttemptOptions = {
  clock: Clock;
  timeoutMs: number;
  /** Built only when the timeout fires. */
  timeoutError: () => PatchbayError;
  /** The run's running attempts: the handle is in it until the attempt settles. */
  active: Set<AttemptHandle>;
};

export function runAttempt<T>(
  options: AttemptOptions,
  body: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const controller = new AbortController();
    const { active } = options;
    const handle: AttemptHandle = {
      signal: controller.signal,
      abort: (reason) => controller.abort(reason),
      interrupt: (reason) => {
        finish();
        reject(reason);
        controller.abort(reason);
      },
    };
    const cancelTimer = options.clock.setTimer(options.timeoutMs, () =>
      handle.interrupt(options.timeoutError()),
    );
    const finish = () => {
      cancelTimer();
      active.delete(handle);
    };
    active.add(handle);
    let pending: Promise<T>;
    try {
      pending = body(controller.signal);
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (value) => {
        finish();
        resolve(value);
      },
      (error: unknown) => {
        finish();
        reject(error);
      },
    );
  });
}
