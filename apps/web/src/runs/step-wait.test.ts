import { describe, expect, it } from 'vitest';
import { stepRun } from '../test-support/step-run-fixture.ts';
import { groupStepsByNode } from './step-grouping.ts';
import { describeRetryDelay, waitingSteps, waitReasonLabel } from './step-wait.ts';

const step = stepRun;

describe('waitingSteps', () => {
  it("lists each node's waiting attempt, the one due first first", () => {
    const groups = groupStepsByNode([
      step({ nodeId: 'trigger', status: 'succeeded' }),
      step({
        nodeId: 'charge',
        status: 'waiting',
        waitReason: 'rate_limited',
        nextAttemptAt: '2026-01-10T12:00:30.000Z',
      }),
      step({ nodeId: 'fetch', status: 'failed', retryDelayMs: 2_000 }),
      step({
        nodeId: 'fetch',
        attempt: 2,
        status: 'waiting',
        waitReason: 'retry',
        nextAttemptAt: '2026-01-10T12:00:02.000Z',
      }),
      step({ nodeId: 'ship', status: 'waiting', waitReason: 'circuit_open' }),
    ]);
    expect(waitingSteps(groups).map((s) => `${s.nodeId}#${s.attempt}`)).toEqual([
      'fetch#2',
      'charge#1',
      'ship#1',
    ]);
  });

  it('finds none once every node has moved on', () => {
    const groups = groupStepsByNode([
      step({ nodeId: 'fetch', status: 'waiting', waitReason: 'retry' }),
      step({ nodeId: 'fetch', attempt: 2, status: 'succeeded' }),
    ]);
    expect(waitingSteps(groups)).toEqual([]);
  });
});

describe('wait and retry labels', () => {
  it('names why a step waits', () => {
    expect(waitReasonLabel('circuit_open')).toBe('Circuit open');
    expect(waitReasonLabel('throttled')).toBe('Throttled (429)');
    expect(waitReasonLabel(null)).toBe('Waiting');
  });

  it('states the delay a retry chose', () => {
    expect(describeRetryDelay({ retryDelayMs: 1_200 })).toBe('Retry after 1.20 s');
    expect(describeRetryDelay({ retryDelayMs: 0 })).toBe('Retry at once');
    expect(describeRetryDelay({ retryDelayMs: null })).toBeNull();
  });
});
