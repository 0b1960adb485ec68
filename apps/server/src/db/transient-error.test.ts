import { describe, expect, it } from 'vitest';
import { isTransientDatabaseError } from './transient-error.ts';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('isTransientDatabaseError', () => {
  it('retries lost connections, exhausted connections, shutdowns and lost races', () => {
    for (const code of ['08006', '53300', '57P01', '40001', '40P01', 'ECONNREFUSED']) {
      expect(isTransientDatabaseError(withCode(code))).toBe(true);
    }
    expect(isTransientDatabaseError(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('does not retry errors that repeat: constraints, bad input, domain errors', () => {
    for (const code of ['23505', '22P02', 'INTERNAL_ERROR', 'FLOW_INVALID']) {
      expect(isTransientDatabaseError(withCode(code))).toBe(false);
    }
    expect(isTransientDatabaseError('08006')).toBe(false);
  });
});
