import { describe, expect, it } from 'vitest';
import { createFakeClock } from './fake-clock.ts';

describe('createFakeClock', () => {
  it('moves time only when advanced', () => {
    const clock = createFakeClock(new Date('2025-03-01T00:00:00.000Z'));
    expect(clock.monotonicMs()).toBe(0);
    clock.advance(1500);
    expect(clock.monotonicMs()).toBe(1500);
    expect(clock.now().toISOString()).toBe('2025-03-01T00:00:01.500Z');
  });

  it('fires due timers in order and skips cancelled ones', () => {
    const clock = createFakeClock();
    const fired: string[] = [];
    clock.setTimer(200, () => fired.push(`b@${clock.monotonicMs()}`));
    clock.setTimer(100, () => fired.push(`a@${clock.monotonicMs()}`));
    const cancel = clock.setTimer(150, () => fired.push('cancelled'));
    cancel();
    clock.advance(150);
    expect(fired).toEqual(['a@100']);
    clock.advance(100);
    expect(fired).toEqual(['a@100', 'b@200']);
    expect(clock.pendingTimers()).toBe(0);
  });
});
