import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
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

/** What createLogger prints in a fresh process with `env` (stdout is the logger's destination). */
async function linesLoggedWith(env: Record<string, string>): Promise<string> {
  const script = `
    const { createLogger } = await import(${JSON.stringify(new URL('./logger.ts', import.meta.url).href)});
    createLogger(process.env).child({ flowId: 'f1', runId: 'r1' }).info({ nodeId: 'n1', attempt: 2 }, 'Step succeeded');
  `;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script],
    { env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', ...env } },
  );
  return stdout;
}

describe('LOG_FORMAT', () => {
  it('prints JSON lines by default, with the context of the child logger', async () => {
    const [line] = (await linesLoggedWith({})).trim().split('\n');
    expect(JSON.parse(line ?? '')).toMatchObject({
      level: 30,
      flowId: 'f1',
      runId: 'r1',
      nodeId: 'n1',
      attempt: 2,
      msg: 'Step succeeded',
    });
  });

  it('prints readable lines with pretty', async () => {
    const text = await linesLoggedWith({ LOG_FORMAT: 'pretty' });
    expect(text).toMatch(/INFO.*Step succeeded/);
    expect(text).toContain('runId: "r1"');
    expect(text).not.toContain('{"level"');
  });

  it('keeps JSON and warns about an unknown format', async () => {
    const lines = (await linesLoggedWith({ LOG_FORMAT: 'xml' }))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(lines[0]).toMatchObject({
      level: 40,
      msg: 'LOG_FORMAT must be json or pretty; logging JSON lines',
    });
    expect(lines[1]).toMatchObject({ msg: 'Step succeeded' });
  });
});
