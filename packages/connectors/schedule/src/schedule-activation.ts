/**
 * A schedule while its flow is active, in one worker process: a timer armed for the next fire
 * time (on the injected clock). Every worker process arms the same instant; each tick is claimed
 * by its scheduled time (ctx.claimOnce), so exactly one of them starts its run. Deactivating
 * cancels the timer and waits for a tick being fired, so nothing starts after it resolves.
 *
 * Overlap: `skip` asks ctx.runsInFlight() after winning the claim and drops the tick while a run
 * of the flow is queued or running; `queue` and `allow` start the run anyway (with `queue`, a
 * flow limited to one run at a time executes them one after the other).
 */
import type { TriggerActivation, TriggerContext } from '@patchbay/engine';
import type { ScheduleConfig } from './schedule-config.ts';
import { createSchedule } from './schedule-times.ts';

/**
 * The longest a timer is set for: further fire times are reached in steps (setTimeout cannot
 * wait past 24.8 days, and a wall clock corrected meanwhile is noticed at each step).
 */
export const MAX_TIMER_MS = 60 * 60 * 1000;

/** What a schedule's run gets as its input (the trigger node's output). */
export type ScheduleRunInput = {
  /** The tick's scheduled time (ISO, UTC). */
  scheduledAt: string;
  /** When the run was started for it. */
  firedAt: string;
  timezone: string;
};

export function activateSchedule(ctx: TriggerContext<ScheduleConfig>): TriggerActivation {
  const { config, clock } = ctx;
  const schedule = createSchedule(config.cron, config.timezone);
  let stopped = false;
  let cancelTimer: (() => void) | undefined;
  const firing = new Set<Promise<void>>();

  const fire = async (scheduledAt: Date, reason: 'tick' | 'catch-up'): Promise<void> => {
    const key = scheduledAt.toISOString();
    if (stopped || !(await ctx.claimOnce(key))) return;
    // Claimed, then switched off: the switch wins.
    if (stopped) return;
    if (config.overlap === 'skip') {
      const inFlight = await ctx.runsInFlight();
      if (inFlight > 0) {
        ctx.log.info('Schedule tick skipped: a run of the flow is still queued or running', {
          scheduledAt: key,
          runsInFlight: inFlight,
        });
        return;
      }
    }
    const input: ScheduleRunInput = {
      scheduledAt: key,
      firedAt: clock.now().toISOString(),
      timezone: config.timezone,
    };
    // The run's idempotency key is the tick too: a second start of it returns the first run.
    const { runId } = await ctx.startRun(input, { idempotencyKey: `schedule:${key}` });
    ctx.log.info(reason === 'tick' ? 'Schedule tick started a run' : 'Missed tick caught up', {
      scheduledAt: key,
      runId,
    });
  };

  const track = (scheduledAt: Date, reason: 'tick' | 'catch-up') => {
    const done = fire(scheduledAt, reason).catch((error: unknown) => {
      ctx.log.warn('Schedule tick could not start a run', {
        scheduledAt: scheduledAt.toISOString(),
        error: error instanceof Error ? error.message : String(error),
      });
    });
    firing.add(done);
    void done.finally(() => firing.delete(done));
  };

  const armAfter = (after: Date) => {
    if (stopped) return;
    const next = schedule.next(after);
    if (!next) {
      ctx.log.warn('The schedule has no further fire time', { cron: config.cron });
      return;
    }
    armFor(next);
  };

  const armFor = (due: Date) => {
    if (stopped) return;
    const delay = due.getTime() - clock.now().getTime();
    if (delay > MAX_TIMER_MS) {
      cancelTimer = clock.setTimer(MAX_TIMER_MS, () => armFor(due));
      return;
    }
    cancelTimer = clock.setTimer(Math.max(0, delay), () => {
      const now = clock.now();
      // A timer that fired late (a busy or suspended process) fires this tick and skips those
      // that passed meanwhile, which other workers fired.
      armAfter(now.getTime() > due.getTime() ? now : due);
      track(due, 'tick');
    });
  };

  if (config.catchUp === 'last') {
    // Since activeSince, a tick that no process fired (every worker was down) fires once now.
    const last = schedule.lastAtOrBefore(clock.now());
    if (last && last.getTime() >= ctx.activeSince.getTime()) track(last, 'catch-up');
  }
  armAfter(clock.now());

  return {
    async deactivate() {
      stopped = true;
      cancelTimer?.();
      await Promise.all(firing);
    },
    describe: () => ({
      timezone: config.timezone,
      nextFireTimes: schedule.nextTimes(5, clock.now()).map((at) => at.toISOString()),
    }),
  };
}
