import {
  createFakeClock,
  type FakeClock,
  type TriggerActivation,
  type TriggerContext,
} from '@patchbay/engine';
import { describe, expect, it, vi } from 'vitest';
import { activateSchedule, MAX_TIMER_MS, type ScheduleRunInput } from './schedule-activation.ts';
import { type ScheduleConfig, scheduleConfigSchema } from './schedule-config.ts';

/**
 * What the server gives an activation, kept in memory: claims shared by every "worker" made
 * from one world, like the trigger_claims table, and the runs they started.
 */
function createWorld(start = '2026-12-04T02:00:00.000Z') {
  const clock = createFakeClock(new Date(start));
  const claims = new Set<string>();
  const runs: { input: ScheduleRunInput; idempotencyKey: string | undefined; by: string }[] = [];
  const logs: string[] = [];
  let inFlight = 0;
  return {
    clock,
    claims,
    runs,
    logs,
    setRunsInFlight(count: number) {
      inFlight = count;
    },
    worker(
      name: string,
      config: Partial<ScheduleConfig> & { cron: string },
      activeSince = clock.now(),
    ): { activation: TriggerActivation; controller: AbortController } {
      const controller = new AbortController();
      const context: TriggerContext<ScheduleConfig> = {
        flowId: 'flow-1',
        flowName: 'Nightly',
        flowVersionId: 'version-1',
        nodeId: 'schedule',
        config: scheduleConfigSchema.parse(config),
        clock,
        activeSince,
        signal: controller.signal,
        startRun: async (input, options) => {
          runs.push({
            input: input as ScheduleRunInput,
            idempotencyKey: options?.idempotencyKey,
            by: name,
          });
          return { runId: `run-${runs.length}`, deduplicated: false };
        },
        claimOnce: async (key) => {
          if (claims.has(key)) return false;
          claims.add(key);
          return true;
        },
        runsInFlight: async () => inFlight,
        log: {
          info: (message) => logs.push(message),
          warn: (message) => logs.push(`warn: ${message}`),
        },
      };
      return { activation: activateSchedule(context), controller };
    },
  };
}

/** Moves the fake clock on second by second, letting each tick's claim and start settle. */
async function advanceSeconds(clock: FakeClock, seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    clock.advance(1_000);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('a schedule while its flow is active', () => {
  it('fires every tick exactly once across two workers, with the tick in the run input', async () => {
    const world = createWorld('2026-12-04T02:00:00.000Z');
    const a = world.worker('a', { cron: '* * * * * *', timezone: 'Europe/Berlin' });
    const b = world.worker('b', { cron: '* * * * * *', timezone: 'Europe/Berlin' });
    await advanceSeconds(world.clock, 10);

    expect(world.runs.map((run) => run.input.scheduledAt)).toEqual(
      Array.from(
        { length: 10 },
        (_, i) => `2026-12-04T02:00:${String(i + 1).padStart(2, '0')}.000Z`,
      ),
    );
    expect(world.runs[0]).toMatchObject({
      input: {
        scheduledAt: '2026-12-04T02:00:01.000Z',
        firedAt: '2026-12-04T02:00:01.000Z',
        timezone: 'Europe/Berlin',
      },
      idempotencyKey: 'schedule:2026-12-04T02:00:01.000Z',
    });
    // Both workers armed every tick (20 timers fired); the claims let one start each.
    expect(world.claims.size).toBe(10);
    await a.activation.deactivate();
    await b.activation.deactivate();
  });

  it('stops at once when deactivated: no timer left, no tick after', async () => {
    const world = createWorld();
    const { activation } = world.worker('a', { cron: '*/2 * * * * *' });
    await advanceSeconds(world.clock, 4);
    expect(world.runs).toHaveLength(2);
    await activation.deactivate();
    expect(world.clock.pendingTimers()).toBe(0);
    await advanceSeconds(world.clock, 10);
    expect(world.runs).toHaveLength(2);
  });

  it('skips a tick while a run of the flow is in flight, by default', async () => {
    const world = createWorld();
    const { activation } = world.worker('a', { cron: '* * * * * *' });
    world.setRunsInFlight(1);
    await advanceSeconds(world.clock, 3);
    expect(world.runs).toEqual([]);
    expect(world.logs.filter((line) => line.includes('skipped'))).toHaveLength(3);
    // The skipped ticks stay claimed: no other worker fires them.
    expect(world.claims.size).toBe(3);
    world.setRunsInFlight(0);
    await advanceSeconds(world.clock, 1);
    expect(world.runs).toHaveLength(1);
    await activation.deactivate();
  });

  it.each(['queue', 'allow'] as const)('starts the run anyway with overlap %s', async (overlap) => {
    const world = createWorld();
    const { activation } = world.worker('a', { cron: '* * * * * *', overlap });
    world.setRunsInFlight(3);
    await advanceSeconds(world.clock, 2);
    expect(world.runs).toHaveLength(2);
    await activation.deactivate();
  });

  it('catches up the last missed tick once with catchUp last, and only a tick due while active', async () => {
    // Daily at 01:00 UTC; active since the day before; every worker was down at 01:00 today.
    const world = createWorld('2026-12-04T02:30:00.000Z');
    const since = new Date('2026-12-03T12:00:00.000Z');
    const a = world.worker('a', { cron: '0 1 * * *', catchUp: 'last' }, since);
    const b = world.worker('b', { cron: '0 1 * * *', catchUp: 'last' }, since);
    await vi.waitFor(() => expect(world.runs).toHaveLength(1));
    expect(world.runs[0]?.input).toMatchObject({
      scheduledAt: '2026-12-04T01:00:00.000Z',
      firedAt: '2026-12-04T02:30:00.000Z',
    });
    await a.activation.deactivate();
    await b.activation.deactivate();

    // Activated again later (a restart): the tick already fired is not fired again.
    const again = world.worker('c', { cron: '0 1 * * *', catchUp: 'last' }, since);
    await new Promise((resolve) => setImmediate(resolve));
    expect(world.runs).toHaveLength(1);
    await again.activation.deactivate();

    // A tick before the flow (or this version) became active was never due.
    const fresh = createWorld('2026-12-04T02:30:00.000Z');
    const late = fresh.worker(
      'a',
      { cron: '0 1 * * *', catchUp: 'last' },
      new Date('2026-12-04T02:00:00.000Z'),
    );
    const none = fresh.worker('b', { cron: '0 1 * * *' }, since);
    await new Promise((resolve) => setImmediate(resolve));
    expect(fresh.runs).toEqual([]);
    await late.activation.deactivate();
    await none.activation.deactivate();
  });

  it('reaches a fire time far ahead in steps of at most an hour, on time', async () => {
    const world = createWorld('2026-12-04T00:00:00.000Z');
    const { activation } = world.worker('a', { cron: '0 0 1 1 *' });
    expect(activation.describe?.()).toMatchObject({
      nextFireTimes: [
        '2027-01-01T00:00:00.000Z',
        '2028-01-01T00:00:00.000Z',
        '2029-01-01T00:00:00.000Z',
        '2030-01-01T00:00:00.000Z',
        '2031-01-01T00:00:00.000Z',
      ],
    });
    const untilNewYear = Date.parse('2027-01-01T00:00:00.000Z') - world.clock.now().getTime();
    world.clock.advance(untilNewYear - 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(world.runs).toEqual([]);
    expect(world.clock.pendingTimers()).toBe(1);
    world.clock.advance(1);
    await vi.waitFor(() => expect(world.runs).toHaveLength(1));
    expect(world.runs[0]?.input.firedAt).toBe('2027-01-01T00:00:00.000Z');
    expect(MAX_TIMER_MS).toBeLessThanOrEqual(2 ** 31 - 1);
    await activation.deactivate();
  });

  it('fires the due tick when its timer fires late, and skips the ticks that passed meanwhile', async () => {
    const world = createWorld('2026-12-04T02:00:00.000Z');
    // A process whose timers fire 2.5 s late (a blocked event loop, a suspended VM).
    const clock = world.clock;
    const setTimer = clock.setTimer.bind(clock);
    clock.setTimer = (ms, callback) => setTimer(ms + 2_500, callback);
    const { activation } = world.worker('a', { cron: '* * * * * *' });
    clock.advance(3_500);
    await new Promise((resolve) => setImmediate(resolve));
    expect(world.runs.map((run) => [run.input.scheduledAt, run.input.firedAt])).toEqual([
      ['2026-12-04T02:00:01.000Z', '2026-12-04T02:00:03.500Z'],
    ]);
    clock.advance(3_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(world.runs.map((run) => run.input.scheduledAt)).toEqual([
      '2026-12-04T02:00:01.000Z',
      '2026-12-04T02:00:04.000Z',
    ]);
    await activation.deactivate();
  });
});
