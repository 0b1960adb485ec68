import { describe, expect, it } from 'vitest';
import {
  breakerSegments,
  hasValues,
  lineColumns,
  perBucket,
  runStatusColumns,
  timeNotClosed,
} from './chart-series.ts';

const at = (minute: number) => `2026-12-04T10:0${minute}:00.000Z`;

describe('runs stacked by status', () => {
  it('stacks failed, cancelled, succeeded from the bottom and keeps each layer for the legend', () => {
    const columns = runStatusColumns([
      { at: at(0), succeeded: 3, failed: 2, cancelled: 1 },
      { at: at(1), succeeded: 0, failed: 0, cancelled: 0 },
      { at: at(2), succeeded: 5, failed: 1, cancelled: 0 },
    ]);
    expect(columns.x).toEqual([at(0), at(1), at(2)].map((iso) => Date.parse(iso) / 1000));
    expect(columns.labels).toEqual(['succeeded', 'cancelled', 'failed']);
    expect(columns.cumulative).toEqual([
      [6, 0, 6],
      [3, 0, 1],
      [2, 0, 1],
    ]);
    expect(columns.raw).toEqual([
      [3, 0, 5],
      [1, 0, 0],
      [2, 0, 1],
    ]);
  });
});

describe('line columns', () => {
  it('aligns fields on x and leaves missing values as gaps', () => {
    const columns = lineColumns(
      [
        { at: at(0), p95Ms: 120, runs: 2 },
        { at: at(1), p95Ms: null, runs: 0 },
      ],
      ['p95Ms', 'runs'],
    );
    expect(columns).toEqual([
      [Date.parse(at(0)) / 1000, Date.parse(at(1)) / 1000],
      [120, null],
      [2, 0],
    ]);
  });

  it('tells an all-zero series from one with data', () => {
    expect(hasValues([{ a: 0 }, { a: 0 }], ['a'])).toBe(false);
    expect(hasValues([{ a: 0 }, { a: 1 }], ['a'])).toBe(true);
  });

  it('names the bucket a bar counts', () => {
    expect(perBucket('1m')).toBe('per minute');
    expect(perBucket('5m')).toBe('per 5 minutes');
  });
});

describe('breaker timeline', () => {
  const window = { from: '2026-12-04T10:00:00Z', to: '2026-12-04T11:00:00Z' };
  const t = (minute: number) => Date.parse('2026-12-04T10:00:00Z') + minute * 60_000;

  it('is one closed segment without transitions', () => {
    expect(breakerSegments('closed', [], window)).toEqual([
      { start: t(0), end: t(60), state: 'closed' },
    ]);
  });

  it('follows the transitions from the state the range began in', () => {
    const segments = breakerSegments(
      'open',
      [
        { at: '2026-12-04T10:10:00Z', to: 'half_open' },
        { at: '2026-12-04T10:11:00Z', to: 'closed' },
        { at: '2026-12-04T10:40:00Z', to: 'open' },
      ],
      window,
    );
    expect(segments).toEqual([
      { start: t(0), end: t(10), state: 'open' },
      { start: t(10), end: t(11), state: 'half_open' },
      { start: t(11), end: t(40), state: 'closed' },
      { start: t(40), end: t(60), state: 'open' },
    ]);
    expect(timeNotClosed(segments)).toBeCloseTo(31 / 60);
  });

  it('clamps transitions outside the window and merges repeated states', () => {
    expect(
      breakerSegments(
        'closed',
        [
          { at: '2026-12-04T09:00:00Z', to: 'closed' },
          { at: '2026-12-04T12:00:00Z', to: 'open' },
        ],
        window,
      ),
    ).toEqual([{ start: t(0), end: t(60), state: 'closed' }]);
  });
});
