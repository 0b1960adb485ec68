import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeClock, describeCredentialType } from '@patchbay/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  httpBasicCredential,
  httpBearerCredential,
  httpHeaderCredential,
  httpQueryCredential,
} from './http-auth.ts';

/** Answers 200 only to `Authorization: Bearer good`, `X-Key: good` or `?key=good`. */
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const ok =
      request.headers.authorization === 'Bearer good' ||
      request.headers.authorization === `Basic ${Buffer.from('u:good').toString('base64')}` ||
      request.headers['x-key'] === 'good' ||
      url.searchParams.get('key') === 'good';
    response.statusCode = ok ? 200 : 401;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const context = () => ({ fetch, signal: AbortSignal.timeout(5_000), clock: createFakeClock() });

describe('HTTP credential types', () => {
  it('pass their test when the test URL accepts them, and say so when it does not', async () => {
    const cases = [
      [httpBearerCredential, { token: 'good' }, { token: 'bad' }],
      [httpBasicCredential, { username: 'u', password: 'good' }, { username: 'u', password: 'no' }],
      [httpHeaderCredential, { name: 'X-Key', value: 'good' }, { name: 'X-Key', value: 'bad' }],
      [httpQueryCredential, { name: 'key', value: 'good' }, { name: 'key', value: 'bad' }],
    ] as const;
    for (const [type, good, bad] of cases) {
      const testUrl = `${base}/me`;
      await expect(type.test?.({ ...context(), data: { ...good, testUrl } })).resolves.toEqual({
        message: `GET ${testUrl} answered 200`,
      });
      await expect(type.test?.({ ...context(), data: { ...bad, testUrl } })).rejects.toMatchObject({
        code: 'CREDENTIAL_REJECTED',
      });
    }
  });

  it('say there is nothing to test against without a test URL', async () => {
    await expect(
      httpBearerCredential.test?.({ ...context(), data: { token: 'good' } }),
    ).rejects.toMatchObject({ code: 'CREDENTIAL_NOT_TESTABLE' });
  });

  it('mark exactly their secret fields', () => {
    expect(describeCredentialType(httpBasicCredential).secretFields).toEqual(['password']);
    expect(describeCredentialType(httpQueryCredential).secretFields).toEqual(['value']);
  });
});
