/**
 * With the database gone (dropped with FORCE under a running server), every API answers 503 with a
 * message that says so: procedures (whether the caller's token is cached or must be looked up),
 * sign-in and /healthz. No answer carries the driver's or Prisma's text.
 */
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';
import { DATABASE_UNAVAILABLE_MESSAGE } from '../trpc/domain-error-mapping.ts';
import type { AppRouter } from '../trpc/root.ts';

let t: TestApp;
let flowId: string;
let uncached: Awaited<ReturnType<TestApp['userWithRole']>>;

beforeAll(async () => {
  t = await startTestApp({ worker: false });
  flowId = (await t.client.flows.create.mutate({ name: 'Before the outage' })).id;
  // Its token has never been used, so the server must look it up in the (missing) database.
  uncached = await t.userWithRole('viewer');
  await t.database.drop();
});
afterAll(async () => {
  await t?.close();
});

/** Driver and ORM wording, and the database's own name, must never reach a client. */
function expectNoDriverText(text: string): void {
  expect(text).not.toMatch(/prisma|invocation|does not exist|ECONNREFUSED|3D000|P100\d/i);
  expect(text).not.toContain(t.database.name);
}

async function unavailable(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  const trpcError = error as TRPCClientError<AppRouter>;
  expect(trpcError.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503 });
  expect(trpcError.message).toBe(DATABASE_UNAVAILABLE_MESSAGE);
}

describe('a database outage', () => {
  it('makes every procedure answer 503, for cached and uncached callers', async () => {
    await unavailable(t.client.flows.list.query());
    await unavailable(t.client.flows.get.query({ id: flowId }));
    await unavailable(t.client.flows.create.mutate({ name: 'During the outage' }));
    await unavailable(t.client.flows.run.mutate({ id: flowId }));
    await unavailable(t.client.runs.list.query({}));
    await unavailable(t.client.flows.delete.mutate({ id: flowId }));
    await unavailable(uncached.client.flows.list.query());
  });

  it('answers a raw batch with 503 and no driver text', async () => {
    const response = await fetch(
      `${t.baseUrl}/trpc/flows.list,runs.list?batch=1&input=${encodeURIComponent('{"0":{},"1":{}}')}`,
      { headers: { authorization: `Bearer ${t.owner.token}` } },
    );
    expect(response.status).toBe(503);
    expectNoDriverText(await response.text());
  });

  it('answers sign-in and /healthz with 503 and no driver text', async () => {
    const login = await fetch(`${t.baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: t.baseUrl },
      body: JSON.stringify({ email: t.owner.email, password: t.owner.password }),
    });
    expect(login.status).toBe(503);
    const loginText = await login.text();
    expect(JSON.parse(loginText)).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: DATABASE_UNAVAILABLE_MESSAGE,
    });
    expectNoDriverText(loginText);

    const health = await fetch(`${t.baseUrl}/healthz`);
    expect(health.status).toBe(503);
    const healthText = await health.text();
    expect(JSON.parse(healthText)).toMatchObject({ status: 'error', database: 'unreachable' });
    expectNoDriverText(healthText);
  });
});
