import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKER_CONCURRENCY } from '../worker/worker-config.ts';
import {
  connectionBudget,
  connectionLimitWarning,
  embeddedMaxConnections,
  queuePoolSize,
} from './connection-budget.ts';
import { DEFAULT_EMBEDDED_MAX_CONNECTIONS } from './embedded/server-settings.ts';

describe('connectionBudget', () => {
  it('gives the job queue at least the concurrency, so graphile-worker has nothing to warn about', () => {
    for (const concurrency of [1, DEFAULT_WORKER_CONCURRENCY, 50, 200]) {
      expect(connectionBudget('all', concurrency).queue).toBeGreaterThanOrEqual(concurrency);
      expect(queuePoolSize(concurrency)).toBeGreaterThanOrEqual(concurrency);
    }
  });

  it('fits the default install in PostgreSQL’s default max_connections with room to spare', () => {
    const budget = connectionBudget('all', DEFAULT_WORKER_CONCURRENCY);
    expect(budget.total + 20).toBeLessThanOrEqual(DEFAULT_EMBEDDED_MAX_CONNECTIONS);
    expect(embeddedMaxConnections(budget)).toBe(DEFAULT_EMBEDDED_MAX_CONNECTIONS);
  });

  it('grows the pools with the concurrency, and the embedded server with them', () => {
    const at10 = connectionBudget('all', 10);
    const at50 = connectionBudget('all', 50);
    const at200 = connectionBudget('all', 200, { localQueue: false });
    expect(at50.pool).toBeGreaterThan(at10.pool);
    expect(at200.total).toBeGreaterThan(at50.total);
    for (const budget of [at10, at50, at200]) {
      expect(embeddedMaxConnections(budget)).toBeGreaterThanOrEqual(budget.total + 20);
    }
  });

  it('opens no queue pool and only the trigger listener in a process that executes no runs', () => {
    const budget = connectionBudget('server', undefined);
    expect(budget).toMatchObject({ queue: 0, dedicated: 1 });
    expect(budget.total).toBe(budget.pool + budget.prisma + 1);
  });

  it('keeps Prisma small in a worker-only process, which serves no requests', () => {
    expect(connectionBudget('worker', 10).prisma).toBeLessThan(connectionBudget('all', 10).prisma);
  });
});

describe('connectionLimitWarning', () => {
  it('warns when the database allows fewer connections than the process may open', () => {
    const budget = connectionBudget('all', 200, { localQueue: false });
    expect(connectionLimitWarning(budget, 100)).toContain(`may open ${budget.total} PostgreSQL`);
  });

  it('says nothing when they fit', () => {
    expect(connectionLimitWarning(connectionBudget('all', 10), 100)).toBeUndefined();
  });
});
