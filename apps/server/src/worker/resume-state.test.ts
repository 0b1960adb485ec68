import { describe, expect, it } from 'vitest';
import { type PersistedStep, resumeStateOf } from './resume-state.ts';

const row = (partial: Partial<PersistedStep> & Pick<PersistedStep, 'nodeId'>): PersistedStep => ({
  attempt: 1,
  status: 'succeeded',
  output: null,
  port: null,
  waitReason: null,
  nextAttemptAt: null,
  waitingSince: null,
  seq: 1,
  ...partial,
});

describe('resumeStateOf', () => {
  it('reuses the latest succeeded output of each node, with its port', () => {
    const state = resumeStateOf([
      row({ nodeId: 'trigger', output: { a: 1 } }),
      row({ nodeId: 'fetch', attempt: 1, status: 'failed' }),
      row({ nodeId: 'fetch', attempt: 2, output: { ok: true } }),
      row({ nodeId: 'branch', output: 1, port: 'true' }),
    ]);
    expect(state.completed).toEqual({
      trigger: { output: { a: 1 }, port: null },
      fetch: { output: { ok: true }, port: null },
      branch: { output: 1, port: 'true' },
    });
  });

  it('counts succeeded, failed and lost attempts, but not waiting or skipped ones', () => {
    const state = resumeStateOf([
      row({ nodeId: 'fetch', attempt: 1, status: 'failed' }),
      row({ nodeId: 'fetch', attempt: 2, status: 'running' }),
      row({ nodeId: 'slow', attempt: 1, status: 'failed' }),
      row({ nodeId: 'slow', attempt: 2, status: 'waiting', nextAttemptAt: new Date(5_000) }),
      row({ nodeId: 'other', attempt: 0, status: 'skipped' }),
    ]);
    expect(state.attempts).toEqual({ fetch: 2, slow: 1 });
  });

  it('keeps parked nodes parked until their time, and how long they waited for a token', () => {
    const since = new Date(1_000);
    const state = resumeStateOf([
      row({
        nodeId: 'limited',
        attempt: 1,
        status: 'waiting',
        waitReason: 'rate_limited',
        nextAttemptAt: new Date(9_000),
        waitingSince: since,
      }),
      row({
        nodeId: 'retried',
        attempt: 3,
        status: 'waiting',
        waitReason: 'retry',
        nextAttemptAt: new Date(7_000),
      }),
    ]);
    expect(state.waitingSince).toEqual({ limited: since });
    expect(state.waiting).toEqual([
      { nodeId: 'limited', nextAttempt: 1, resumeAt: new Date(9_000), reason: 'rate_limited' },
      { nodeId: 'retried', nextAttempt: 3, resumeAt: new Date(7_000), reason: 'retry' },
    ]);
  });

  it('handles node ids that are also Object.prototype keys', () => {
    const state = resumeStateOf([row({ nodeId: 'constructor', output: 'x' })]);
    expect(state.completed?.constructor).toEqual({ output: 'x', port: null });
  });
});
