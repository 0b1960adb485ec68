import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LOG_REDACT_PATHS } from './logger.ts';

describe('the process logger', () => {
  it('never prints credential values or sign-in secrets', () => {
    const lines: string[] = [];
    const logger = pino(
      { redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' } },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    logger.info({ input: { name: 'n', data: { token: 'tok-secret-1' } } }, 'procedure');
    logger.warn({ credential: { id: 'c1', data: { password: 'pw-secret-2' } } }, 'resolved');
    logger.info({ req: { headers: { authorization: 'Bearer tok-secret-3' } } }, 'request');
    logger.info({ clientSecret: 'cs-secret-4', values: { a: 'v-secret-5' } }, 'values');
    const text = lines.join('');
    expect(text).not.toMatch(/secret-\d/);
    expect(text).toContain('"name":"n"');
    expect(text).toContain('[redacted]');
  });
});
