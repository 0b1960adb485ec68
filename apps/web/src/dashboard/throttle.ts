/**
 * At most one call per `intervalMs`: the first call runs at once, calls during the interval are
 * folded into one trailing call at its end. `cancel` drops a pending trailing call.
 */
export type Throttled = { call: () => void; cancel: () => void };

export function throttle(
  fn: () => void,
  intervalMs: number,
  now: () => number = Date.now,
): Throttled {
  let last = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    timer = null;
    last = now();
    fn();
  };
  return {
    call() {
      if (timer !== null) return;
      const wait = last + intervalMs - now();
      if (wait <= 0) run();
      else timer = setTimeout(run, wait);
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
