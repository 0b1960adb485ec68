import { describe, expect, it } from 'vitest';
import { circuitOpenRun, runSummary } from '../test-support/run-summary-fixture.ts';
import {
  bulkSummary,
  cancelTargets,
  chunks,
  retryTargets,
  selectedRuns,
  selectionStateOf,
  toggleRuns,
} from './run-selection.ts';

const failedA = circuitOpenRun('a');
const failedB = circuitOpenRun('b');
const running = runSummary({ id: 'r', status: 'running' });
const queued = runSummary({ id: 'q', status: 'queued' });
const succeeded = runSummary({ id: 's' });
const page = [failedA, failedB, running, queued, succeeded];

describe('selecting runs', () => {
  it('selects a whole group, then clears it when ticked again', () => {
    const group = [failedA, failedB];
    const once = toggleRuns(new Set(), group);
    expect([...once]).toEqual(['a', 'b']);
    expect(selectionStateOf(once, group)).toBe('all');
    expect(selectionStateOf(once, page)).toBe('some');
    expect(selectionStateOf(toggleRuns(once, group), group)).toBe('none');
  });

  it('completes a partly selected group rather than clearing it', () => {
    const group = [failedA, failedB];
    expect([...toggleRuns(new Set(['a']), group)].sort()).toEqual(['a', 'b']);
  });

  it('retries the failed runs and cancels the live ones of the selection', () => {
    const chosen = selectedRuns(new Set(['a', 'b', 'r', 'q', 's', 'gone']), page);
    expect(chosen.map((run) => run.id)).toEqual(['a', 'b', 'r', 'q', 's']);
    expect(retryTargets(chosen)).toEqual(['a', 'b']);
    expect(cancelTargets(chosen)).toEqual(['r', 'q']);
  });

  it('splits large selections into calls of 100', () => {
    const ids = Array.from({ length: 230 }, (_, i) => `id${i}`);
    expect(chunks(ids).map((chunk) => chunk.length)).toEqual([100, 100, 30]);
  });
});

describe('the bulk action summary', () => {
  it('reports full success', () => {
    expect(bulkSummary('retry', [{ id: 'a', ok: true }])).toEqual({
      tone: 'success',
      title: 'Retried 1 run',
    });
  });

  it('counts refusals and quotes the first reasons', () => {
    const refused = (id: string) => ({
      id,
      ok: false as const,
      message: `Run "${id}" is succeeded; only failed or cancelled runs can be retried.`,
    });
    const results = [
      ...Array.from({ length: 18 }, (_, i) => ({ id: `ok${i}`, ok: true as const })),
      refused('x'),
      refused('y'),
    ];
    expect(bulkSummary('retry', results)).toEqual({
      tone: 'warning',
      title: 'Retried 18 runs; 2 could not be retried',
      detail: `${refused('x').message} ${refused('y').message}`,
    });
    const many = ['1', '2', '3', '4', '5'].map(refused);
    expect(bulkSummary('cancel', many)).toMatchObject({
      tone: 'error',
      title: 'None of the 5 runs could be cancelled',
      detail: expect.stringMatching(/\(and 2 more\)$/),
    });
  });
});
