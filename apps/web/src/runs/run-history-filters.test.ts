import { describe, expect, it } from 'vitest';
import {
  hasFilters,
  parseRunHistoryFilters,
  runHistorySearchParams,
  runListInput,
} from './run-history-filters.ts';

describe('run history filters in the URL', () => {
  it('round-trips every filter through the query string', () => {
    const query =
      'flow=a,b&status=failed&trigger=webhook&from=2026-11-01T00%3A00%3A00.000Z&to=2026-11-02T00%3A00%3A00.000Z&error=HTTP_500&node=fetch&q=acme';
    const filters = parseRunHistoryFilters(new URLSearchParams(query));
    expect(filters).toEqual({
      flowIds: ['a', 'b'],
      status: 'failed',
      trigger: 'webhook',
      range: null,
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-02T00:00:00.000Z',
      errorCode: 'HTTP_500',
      failedNodeId: 'fetch',
      search: 'acme',
    });
    expect(runHistorySearchParams(filters).toString()).toBe(
      query.replace('flow=a,b', 'flow=a%2Cb'),
    );
    expect(runListInput(filters, 0)).toEqual({
      flowIds: ['a', 'b'],
      status: 'failed',
      trigger: 'webhook',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-02T00:00:00.000Z',
      errorCode: 'HTTP_500',
      failedNodeId: 'fetch',
      search: 'acme',
    });
  });

  it('ignores unknown values and searches shorter than 3 characters', () => {
    const filters = parseRunHistoryFilters(
      new URLSearchParams('status=exploded&trigger=pigeon&range=1y&from=soon&q=ab'),
    );
    expect(hasFilters(filters)).toBe(false);
    expect(runListInput(filters, 0)).toEqual({});
  });

  it('counts a range preset back from now, and a flow page filters by its flow only', () => {
    const filters = parseRunHistoryFilters(new URLSearchParams('range=1h&flow=x&to=2026-01-01'));
    expect(runListInput(filters, Date.parse('2026-11-01T12:00:00Z'), 'f1')).toEqual({
      flowId: 'f1',
      from: '2026-11-01T11:00:00.000Z',
    });
  });
});
