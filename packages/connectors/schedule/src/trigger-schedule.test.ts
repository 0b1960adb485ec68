import { createFakeClock } from '@patchbay/engine';
import { describe, expect, it } from 'vitest';
import { scheduleConnector } from './index.ts';
import { scheduleTriggerNode } from './trigger-schedule.ts';

describe('trigger.schedule', () => {
  it('is a worker-served trigger of kind schedule, with docs and an icon', () => {
    expect(scheduleConnector.nodeTypes).toEqual([scheduleTriggerNode]);
    expect(scheduleTriggerNode).toMatchObject({
      type: 'trigger.schedule',
      category: 'trigger',
      inputs: [],
      trigger: { kind: 'schedule', servedBy: 'worker' },
    });
    expect(scheduleTriggerNode.docs).toContain('"scheduledAt"');
    expect(scheduleTriggerNode.icon).toMatch(/^<svg /);
    expect(scheduleTriggerNode.configSchema.parse(scheduleTriggerNode.defaultConfig)).toMatchObject(
      { cron: '*/5 * * * *', timezone: 'UTC' },
    );
  });

  it('outputs the tick it was started for', async () => {
    const tick = {
      scheduledAt: '2026-12-04T09:00:00.000Z',
      firedAt: '2026-12-04T09:00:00.010Z',
      timezone: 'UTC',
    };
    const config = scheduleTriggerNode.configSchema.parse({ cron: '0 9 * * *' });
    const result = await scheduleTriggerNode.execute(contextWith(config, tick));
    expect(result).toEqual({ output: tick });
  });

  it('outputs the current time when run by hand', async () => {
    const config = scheduleTriggerNode.configSchema.parse({
      cron: '0 9 * * *',
      timezone: 'Asia/Tokyo',
    });
    const result = await scheduleTriggerNode.execute(contextWith(config, {}));
    expect(result).toEqual({
      output: {
        scheduledAt: '2025-01-01T00:00:00.000Z',
        firedAt: '2025-01-01T00:00:00.000Z',
        timezone: 'Asia/Tokyo',
      },
    });
  });
});

function contextWith(config: unknown, input: unknown) {
  return { config, input, clock: createFakeClock() } as unknown as Parameters<
    typeof scheduleTriggerNode.execute
  >[0];
}
