/** A RunSummary for unit tests: a succeeded manual run of flow "f1" unless the test says more. */
import type { RunSummary } from '../api/types.ts';

export function runSummary(partial: Partial<RunSummary> & Pick<RunSummary, 'id'>): RunSummary {
  return {
    flowId: 'f1',
    flowName: 'Orders',
    flowDeleted: false,
    flowVersion: 1,
    trigger: 'manual',
    status: 'succeeded',
    createdAt: '2026-12-04T08:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    error: null,
    ...partial,
  };
}

/** A run that failed with a breaker open for `target` at node "call". */
export function circuitOpenRun(id: string, target = 'GET https://api.example.com/orders') {
  return runSummary({
    id,
    status: 'failed',
    error: {
      code: 'CIRCUIT_OPEN',
      nodeId: 'call',
      message: `The circuit breaker for ${target} is open; the call was not made. It lets calls through again at 2026-12-04T08:0${id.length % 10}:00.000Z.`,
      details: { target, retryAt: '2026-12-04T08:01:00.000Z', state: 'open' },
    },
  });
}
