import { describe, expect, it } from 'vitest';
import { ExecutionSlots } from './execution-slots.ts';

describe('ExecutionSlots', () => {
  it('gives inline starts only free slots, up to the capacity', () => {
    const slots = new ExecutionSlots(2);
    expect(slots.tryAcquire()).toBe(true);
    expect(slots.tryAcquire()).toBe(true);
    expect(slots.tryAcquire()).toBe(false);
    slots.release();
    expect(slots.inUse).toBe(1);
    expect(slots.tryAcquire()).toBe(true);
  });

  it('serves queued runs waiting for a slot before new inline starts', async () => {
    const slots = new ExecutionSlots(1);
    expect(slots.tryAcquire()).toBe(true);
    let queuedGotIt = false;
    const queued = slots.acquire().then(() => {
      queuedGotIt = true;
    });
    // While a queued run waits, an inline start does not jump ahead of it.
    expect(slots.tryAcquire()).toBe(false);
    slots.release();
    await queued;
    expect(queuedGotIt).toBe(true);
    expect(slots.inUse).toBe(1);
    expect(slots.tryAcquire()).toBe(false);
    slots.release();
    expect(slots.inUse).toBe(0);
  });
});
