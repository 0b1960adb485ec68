import { describe, expect, it } from 'vitest';
import { executesRuns, parseProcessRole, servesHttp } from './process-role.ts';

describe('parseProcessRole', () => {
  it('defaults to all: HTTP and runs in one process', () => {
    const role = parseProcessRole([]);
    expect(role).toBe('all');
    expect(servesHttp(role) && executesRuns(role)).toBe(true);
  });

  it('reads --role=worker and --role server', () => {
    expect(parseProcessRole(['--role=worker'])).toBe('worker');
    expect(parseProcessRole(['--role', 'server'])).toBe('server');
    expect(servesHttp('worker')).toBe(false);
    expect(executesRuns('server')).toBe(false);
  });

  it('rejects an unknown role with the allowed ones', () => {
    expect(() => parseProcessRole(['--role=cron'])).toThrow(/all, server, worker/);
  });
});
