import { describe, expect, it } from 'vitest';
import { parseRunHistoryFilters } from '../runs/run-history-filters.ts';
import {
  dashboardSearchParams,
  parseDashboardView,
  runHistoryHref,
  statsWindow,
} from './dashboard-range.ts';

const parse = (query: string) => parseDashboardView(new URLSearchParams(query));

describe('dashboard view in the URL', () => {
  it('defaults to the last 24 hours of every flow', () => {
    expect(parse('')).toEqual({ range: '24h', from: null, to: null, flowId: null });
  });

  it('reads a preset and a flow', () => {
    expect(parse('range=7d&flow=f1')).toEqual({ range: '7d', from: null, to: null, flowId: 'f1' });
  });

  it('reads a custom range as ISO instants', () => {
    expect(parse('from=2026-12-01T10:00:00%2B01:00&to=2026-12-02T09:00:00Z')).toEqual({
      range: null,
      from: '2026-12-01T09:00:00.000Z',
      to: '2026-12-02T09:00:00.000Z',
      flowId: null,
    });
  });

  it('falls back to the default for a range the server would refuse', () => {
    expect(parse('from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z').range).toBe('24h');
    expect(parse('from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z').range).toBe('24h');
    expect(parse('from=2026-12-01T00:00:00Z').range).toBe('24h');
    expect(parse('range=2w').range).toBe('24h');
    expect(parse('from=yesterday&to=today').range).toBe('24h');
  });

  it('round-trips through the query string, leaving the default out', () => {
    for (const query of [
      '',
      'range=1h',
      'flow=abc',
      'from=2026-12-01T00:00:00.000Z&to=2026-12-01T06:00:00.000Z&flow=abc',
    ]) {
      const view = parse(query);
      expect(parse(dashboardSearchParams(view).toString())).toEqual(view);
    }
    expect(dashboardSearchParams(parse('range=24h')).toString()).toBe('');
  });
});

describe('stats window', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');

  it('counts a preset back from now', () => {
    expect(statsWindow(parse('range=1h'), now)).toEqual({
      from: '2026-12-04T11:00:00.000Z',
      to: '2026-12-04T12:00:00.000Z',
    });
  });

  it('keeps a custom range as it is', () => {
    const view = parse('from=2026-12-01T00:00:00Z&to=2026-12-01T06:00:00Z');
    expect(statsWindow(view, now)).toEqual({
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-01T06:00:00.000Z',
    });
  });
});

describe('links to the run history', () => {
  it('carries error code, flow and preset range in the parameters the history reads', () => {
    const href = runHistoryHref(parse('range=7d'), { flowId: 'f1', errorCode: 'HTTP_500' });
    expect(href.startsWith('/runs?')).toBe(true);
    const filters = parseRunHistoryFilters(new URLSearchParams(href.slice('/runs?'.length)));
    expect(filters).toMatchObject({
      flowIds: ['f1'],
      range: '7d',
      errorCode: 'HTTP_500',
      status: null,
    });
  });

  it('carries a custom range and the dashboard flow when the panel names none', () => {
    const view = parse('from=2026-12-01T00:00:00Z&to=2026-12-01T06:00:00Z&flow=f2');
    const href = runHistoryHref(view, { status: 'failed' });
    const filters = parseRunHistoryFilters(new URLSearchParams(href.slice('/runs?'.length)));
    expect(filters).toMatchObject({
      flowIds: ['f2'],
      status: 'failed',
      range: null,
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-01T06:00:00.000Z',
    });
  });
});
