/**
 * An unexpected error reaches the client as "Something went wrong" with a reference, never with
 * its own message, a stack or Prisma's text; the log has the error under the same reference.
 */
import { Writable } from 'node:stream';
import { TRPCClientError } from '@trpc/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';
import type { AppRouter } from '../trpc/root.ts';

let t: TestApp;
const logLines: string[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  t = await startTestApp({ worker: false, logger: pino({ level: 'error' }, sink) });
});
afterAll(async () => {
  await t?.close();
});

describe('unexpected errors', () => {
  it('answer with a reference the log carries, and nothing of the error itself', async () => {
    // A stored document that no longer parses: reading it fails inside the server.
    const [flow] = await t.prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO flows (id, name, document, updated_at)
      VALUES (gen_random_uuid(), 'Corrupt', '{"version": 99}'::jsonb, now()) RETURNING id`;
    const error = await t.client.flows.get.query({ id: flow!.id }).then(
      () => undefined,
      (caught: unknown) => caught as TRPCClientError<AppRouter>,
    );
    expect(error).toBeInstanceOf(TRPCClientError);
    const reference = /^Something went wrong on the server \(reference ([0-9a-f]{10})\)\./.exec(
      error!.message,
    )?.[1];
    expect(reference).toBeDefined();
    expect(error!.data).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 });
    expect(JSON.stringify(error!.shape)).not.toMatch(/version|invalid input|"stack"|\.ts:\d+/i);

    const logged = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const entry = logged.find((line) => line.reference === reference);
    expect(entry).toMatchObject({ path: 'flows.get', msg: 'tRPC procedure failed' });
    expect(JSON.stringify(entry)).toContain('version');
  });
});
