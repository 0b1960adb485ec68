import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailableError } from './database-unavailable.ts';

const withCode = (code: string) => Object.assign(new Error('failed'), { code });

describe('isDatabaseUnavailableError', () => {
  it('recognises unreachable, dropped and overloaded databases, from pg and Prisma', () => {
    for (const code of ['ECONNREFUSED', '08006', '3D000', '57P01', '53300', 'P1001', 'P1017']) {
      expect([code, isDatabaseUnavailableError(withCode(code))]).toEqual([code, true]);
    }
    const adapter = Object.assign(new Error('Raw query failed'), {
      code: 'P2010',
      meta: { driverAdapterError: { cause: { kind: 'DatabaseNotReachable' } } },
    });
    expect(isDatabaseUnavailableError(adapter)).toBe(true);
    expect(isDatabaseUnavailableError(new Error('wrapped', { cause: withCode('P1001') }))).toBe(
      true,
    );
  });

  it('leaves statement errors and lost races alone', () => {
    for (const code of ['23505', '22P02', '40001', '40P01', 'P2002', 'P2010']) {
      expect([code, isDatabaseUnavailableError(withCode(code))]).toEqual([code, false]);
    }
    expect(isDatabaseUnavailableError('P1001')).toBe(false);
  });
});
