import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../api/types.ts';
import { circuitOpenRun, runSummary } from '../test-support/run-summary-fixture.ts';
import {
  describeFailureGroup,
  groupConsecutiveFailures,
  type HistoryRow,
  messageFamily,
} from './failure-groups.ts';

function httpFailure(id: string, status: number, port = 41234): RunSummary {
  return runSummary({
    id,
    status: 'failed',
    error: {
      code: 'HTTP_STATUS',
      nodeId: 'call',
      message: `Node "call": GET http://127.0.0.1:${port}/orders answered ${status} Server Error`,
    },
  });
}

/** Rows as ids: a run's id, or the group's run ids. */
function shape(rows: HistoryRow[]) {
  return rows.map((row) => (row.kind === 'run' ? row.run.id : row.runs.map((run) => run.id)));
}

describe('grouping identical failures', () => {
  it('collapses a streak of the same failure into one group, newest first', () => {
    const runs = [
      runSummary({ id: 'ok1' }),
      circuitOpenRun('a'),
      circuitOpenRun('bb'), // another retry time in the message: the target decides
      circuitOpenRun('ccc'),
      runSummary({ id: 'ok2' }),
    ];
    const rows = groupConsecutiveFailures(runs);
    expect(shape(rows)).toEqual(['ok1', ['a', 'bb', 'ccc'], 'ok2']);
    const group = rows[1];
    if (group?.kind !== 'group') throw new Error('expected a group');
    expect(group.signature).toMatchObject({
      flowId: 'f1',
      code: 'CIRCUIT_OPEN',
      nodeId: 'call',
      target: 'GET https://api.example.com/orders',
    });
    expect(describeFailureGroup(group)).toBe(
      '3 runs failed with CIRCUIT_OPEN on GET https://api.example.com/orders',
    );
  });

  it('keeps apart failures of another flow, node, code, target or message family', () => {
    const otherFlow = { ...circuitOpenRun('f'), flowId: 'f2' };
    const otherTarget = circuitOpenRun('t', 'GET https://other.example.com/');
    const rows = groupConsecutiveFailures([
      circuitOpenRun('a'),
      otherFlow,
      otherTarget,
      httpFailure('h500', 500),
      httpFailure('h404', 404),
      runSummary({ ...httpFailure('n', 500), error: { code: 'HTTP_STATUS', message: 'x' } }),
    ]);
    expect(shape(rows)).toEqual(['a', 'f', 't', 'h500', 'h404', 'n']);
  });

  it('groups messages that differ only in ids, timestamps and long numbers', () => {
    expect(
      shape(
        groupConsecutiveFailures([httpFailure('p1', 500, 40001), httpFailure('p2', 500, 40002)]),
      ),
    ).toEqual([['p1', 'p2']]);
    expect(
      messageFamily(
        'Run 0f8fad5b-d9cb-469f-a165-70867728950e waited 12345 ms at 2026-12-04T08:00:00Z',
      ),
    ).toBe('run <id> waited # ms at <time>');
  });

  it('groups only failed runs, and only consecutive ones', () => {
    const cancelled = runSummary({
      id: 'c',
      status: 'cancelled',
      error: { code: 'RUN_CANCELLED', message: 'Cancelled by the user' },
    });
    const rows = groupConsecutiveFailures([
      circuitOpenRun('a'),
      runSummary({ id: 'ok' }),
      circuitOpenRun('b'),
      cancelled,
      { ...cancelled, id: 'c2' },
    ]);
    expect(shape(rows)).toEqual(['a', 'ok', 'b', 'c', 'c2']);
  });

  it('joins a group cut by a page boundary once the next page is loaded', () => {
    const history = [
      runSummary({ id: 'ok' }),
      ...Array.from({ length: 25 }, (_, i) => circuitOpenRun(`r${i}`)),
      runSummary({ id: 'older' }),
    ];
    const pageOne = history.slice(0, 20);
    const bothPages = history.slice(0, 40);
    const first = groupConsecutiveFailures(pageOne);
    expect(first).toHaveLength(2);
    expect(first[1]?.kind === 'group' && first[1].runs).toHaveLength(19);
    const joined = groupConsecutiveFailures(bothPages);
    expect(shape(joined)).toEqual(['ok', Array.from({ length: 25 }, (_, i) => `r${i}`), 'older']);
  });
});
