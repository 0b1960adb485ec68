import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RequestLogController } from './request-log.ts';

function appWithCapturedLog() {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const loggerInstance: FastifyBaseLogger = pino({ level: 'trace' }, stream);
  const app = Fastify({ loggerInstance, logController: new RequestLogController() });
  app.get('/ok', async () => ({ ok: true }));
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  return { app, lines };
}

describe('RequestLogController', () => {
  it('logs a served request once, at debug', async () => {
    const { app, lines } = appWithCapturedLog();
    expect((await app.inject({ url: '/ok' })).statusCode).toBe(200);
    expect(lines).toEqual([
      expect.objectContaining({ level: 20, msg: 'request completed', url: '/ok', statusCode: 200 }),
    ]);
  });

  it('keeps unknown routes at debug', async () => {
    const { app, lines } = appWithCapturedLog();
    expect((await app.inject({ url: '/nowhere' })).statusCode).toBe(404);
    expect(lines.map((line) => line.level)).toEqual(lines.map(() => 20));
  });

  it('still logs a failed request at error', async () => {
    const { app, lines } = appWithCapturedLog();
    expect((await app.inject({ url: '/boom' })).statusCode).toBe(500);
    expect(lines).toContainEqual(expect.objectContaining({ level: 50, msg: 'boom' }));
  });
});
