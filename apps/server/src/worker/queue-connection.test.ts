import { describe, expect, it } from 'vitest';
import { queueConnectionString } from './queue-connection.ts';

describe('queueConnectionString', () => {
  it('turns synchronous commit off for the queue sessions and keeps every other parameter', () => {
    const url = new URL(
      queueConnectionString('postgresql://u:p@db.internal:5433/patchbay?sslmode=require'),
    );
    expect(url.host).toBe('db.internal:5433');
    expect(url.pathname).toBe('/patchbay');
    expect(url.searchParams.get('sslmode')).toBe('require');
    expect(url.searchParams.get('options')).toBe('-c synchronous_commit=off');
  });

  it('appends to options already given', () => {
    const url = new URL(
      queueConnectionString('postgresql://localhost/db?options=-c%20statement_timeout%3D5000'),
    );
    expect(url.searchParams.get('options')).toBe(
      '-c statement_timeout=5000 -c synchronous_commit=off',
    );
  });
});
