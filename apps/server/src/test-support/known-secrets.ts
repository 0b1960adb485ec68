/**
 * The secret values this test process stored through the credentials vault, and the check that
 * no response carries one. startTestApp registers every secret given to credentials.create and
 * credentials.update (through any path: HTTP or the in-process caller) and inspects every HTTP
 * response body the app sends; a leak fails the test that made it (afterEach in
 * no-secret-leaks.setup.ts), even if the test expected that request to fail.
 */
import type { FastifyInstance } from 'fastify';
import type { CredentialService } from '../credentials/credential-service.ts';

const secrets = new Set<string>();
const leaks: string[] = [];

/** Shorter values would match unrelated text (as RunSecrets, which does not redact them). */
const MIN_LENGTH = 4;

export function rememberSecret(value: unknown): void {
  if (typeof value === 'string' && value.length >= MIN_LENGTH) secrets.add(value);
}

/** Records (and throws) when `body` contains a known secret. */
export function assertNoKnownSecret(body: string, where: string): void {
  for (const secret of secrets) {
    if (body.includes(secret)) {
      const leak = `${where} contains the secret value of a credential (${secret.slice(0, 2)}…)`;
      leaks.push(leak);
      throw new Error(leak);
    }
  }
}

/** The leaks seen since the last call, cleared. */
export function takeLeaks(): string[] {
  return leaks.splice(0, leaks.length);
}

/** Wraps create and update so the secret fields of their input are remembered. */
export function rememberSecretsOf(service: CredentialService): void {
  const secretFields = new Set(service.types().flatMap((type) => type.secretFields));
  const remember = (data: Record<string, unknown> | undefined) => {
    for (const [field, value] of Object.entries(data ?? {})) {
      if (secretFields.has(field)) rememberSecret(value);
    }
  };
  const create = service.create.bind(service);
  const update = service.update.bind(service);
  service.create = (principal, input) => {
    remember(input.data);
    return create(principal, input);
  };
  service.update = (input) => {
    remember(input.data);
    return update(input);
  };
}

/** Checks every response body the app sends (JSON, text; streams are files and are skipped). */
export function inspectResponses(app: FastifyInstance): void {
  app.addHook('onSend', async (request, _reply, payload) => {
    const body =
      typeof payload === 'string'
        ? payload
        : Buffer.isBuffer(payload)
          ? payload.toString('utf8')
          : undefined;
    if (body !== undefined)
      assertNoKnownSecret(body, `The response to ${request.method} ${request.url}`);
    return payload;
  });
}

/** An in-process caller whose every result is checked like an HTTP response. */
export function checkedCaller<T extends object>(caller: T, path: readonly string[] = []): T {
  return new Proxy(caller, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof key !== 'string') return value;
      if (typeof value !== 'function' && (typeof value !== 'object' || value === null)) {
        return value;
      }
      return checkedCaller(value as object, [...path, key]);
    },
    apply(target, thisArg, args) {
      const result: unknown = Reflect.apply(target as (...a: unknown[]) => unknown, thisArg, args);
      if (!(result instanceof Promise)) return result;
      return result.then((value: unknown) => {
        assertNoKnownSecret(JSON.stringify(value) ?? '', `The result of caller.${path.join('.')}`);
        return value;
      });
    },
  });
}
