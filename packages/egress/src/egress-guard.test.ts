import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { EgressConfigError, parseAllowList } from './allow-list.ts';
import { EGRESS_RULES } from './deny-rules.ts';
import { EgressDeniedError } from './egress-denied-error.ts';
import { createEgressGuardFromEnv, egressSettingsFromEnv } from './egress-env.ts';
import { EgressGuard, type EgressGuardOptions, type Resolver } from './egress-guard.ts';

/** A resolver with fixed answers, recording what it was asked (DNS is not under test here). */
function fixedResolver(answers: Record<string, string[]>) {
  const asked: string[] = [];
  const resolver: Resolver = async (host) => {
    asked.push(host);
    const addresses = answers[host];
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolver, asked };
}

const guardWith = (allow = '', options: Omit<EgressGuardOptions, 'allow'> = {}) =>
  EgressGuard.create({ allow: parseAllowList(allow), ...options });

async function denial(promise: Promise<unknown>): Promise<EgressDeniedError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(EgressDeniedError);
  return error as EgressDeniedError;
}

describe('EgressGuard.resolve', () => {
  it('refuses loopback without an allow entry, naming the address and the rule', async () => {
    const guard = await guardWith();
    const error = await denial(guard.resolve('127.0.0.1', 54329));
    expect(error.code).toBe('EGRESS_DENIED');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'Egress to 127.0.0.1:54329 is denied: loopback address. Allow it with PATCHBAY_EGRESS_ALLOW.',
    );
    expect(error.details).toEqual({
      host: '127.0.0.1',
      port: 54329,
      address: '127.0.0.1',
      rule: EGRESS_RULES.loopback,
    });
  });

  it.each([
    '2130706433',
    '0177.0.0.1',
    '0x7f000001',
    '127.1',
    '[::ffff:127.0.0.1]',
    '::ffff:7f00:1',
  ])('refuses %s as the loopback address it is, without DNS', async (host) => {
    const { resolver, asked } = fixedResolver({});
    const guard = await guardWith('', { resolver });
    const error = await denial(guard.resolve(host, 8080));
    expect(error.message).toBe(
      `Egress to 127.0.0.1:8080 (from "${host}") is denied: loopback address. Allow it with PATCHBAY_EGRESS_ALLOW.`,
    );
    expect(asked).toEqual([]);
  });

  it('refuses localhost by name, before resolving it', async () => {
    const { resolver, asked } = fixedResolver({ localhost: ['127.0.0.1'] });
    const guard = await guardWith('127.0.0.1', { resolver });
    const error = await denial(guard.resolve('localhost', 3000));
    expect(error.message).toBe(
      'Egress to localhost:3000 is denied: localhost name. Allow it with PATCHBAY_EGRESS_ALLOW.',
    );
    expect(asked).toEqual([]);
  });

  it('refuses cloud metadata by name and by address', async () => {
    const guard = await guardWith();
    expect((await denial(guard.resolve('metadata.google.internal', 80))).denial.rule).toBe(
      EGRESS_RULES.cloudMetadataName,
    );
    expect((await denial(guard.resolve('169.254.169.254', 80))).denial.rule).toBe(
      EGRESS_RULES.cloudMetadataAddress,
    );
    expect((await denial(guard.resolve('[fd00:ec2::254]', 80))).denial.rule).toBe(
      EGRESS_RULES.cloudMetadataAddress,
    );
  });

  it('refuses a name when any of its addresses is denied', async () => {
    const { resolver } = fixedResolver({
      'rebind.example': ['93.184.216.34', '10.0.0.1', '127.0.0.1'],
    });
    const guard = await guardWith('', { resolver });
    const error = await denial(guard.resolve('rebind.example', 443));
    expect(error.message).toBe(
      'Egress to 127.0.0.1:443 (from "rebind.example") is denied: loopback address. Allow it with PATCHBAY_EGRESS_ALLOW.',
    );
  });

  it('returns a checked address to connect to, resolved once', async () => {
    const { resolver, asked } = fixedResolver({ 'api.example': ['93.184.216.34', '2606:2800::1'] });
    const guard = await guardWith('', { resolver });
    await expect(guard.resolve('api.example', 443)).resolves.toEqual({
      host: 'api.example',
      port: 443,
      address: '93.184.216.34',
      family: 4,
    });
    expect(asked).toEqual(['api.example']);
  });

  it('connects to the normalised form of an allowed literal', async () => {
    const guard = await guardWith('127.0.0.0/8');
    await expect(guard.resolve('2130706433', 80)).resolves.toMatchObject({
      address: '127.0.0.1',
      family: 4,
    });
    await expect(guard.resolve('[::ffff:7f00:2]', 80)).resolves.toMatchObject({
      address: '127.0.0.2',
    });
  });

  it('passes lookup failures through as they are', async () => {
    const { resolver } = fixedResolver({});
    const guard = await guardWith('', { resolver });
    await expect(guard.resolve('nowhere.example', 80)).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('allows private ranges by default and denies them with denyPrivate', async () => {
    const { resolver } = fixedResolver({ 'db.internal': ['10.1.2.3'] });
    await expect(
      (await guardWith('', { resolver })).resolve('db.internal', 5432),
    ).resolves.toMatchObject({
      address: '10.1.2.3',
    });
    const strict = await guardWith('', { resolver, denyPrivate: true });
    const error = await denial(strict.resolve('db.internal', 5432));
    expect(error.denial.rule).toBe('private address (PATCHBAY_EGRESS_DENY_PRIVATE)');
    expect(error.message).toContain('Egress to 10.1.2.3:5432 (from "db.internal") is denied');
  });
});

describe('allow entries', () => {
  it('an address entry allows that address on any port', async () => {
    const guard = await guardWith('127.0.0.1');
    await expect(guard.resolve('127.0.0.1', 8080)).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(guard.resolve('2130706433', 9090)).resolves.toMatchObject({
      address: '127.0.0.1',
    });
    await denial(guard.resolve('127.0.0.2', 8080));
    await denial(guard.resolve('::1', 8080));
  });

  it('a host:port entry allows only that port', async () => {
    const guard = await guardWith('127.0.0.1:8080,[::1]:8081');
    await expect(guard.resolve('127.0.0.1', 8080)).resolves.toBeDefined();
    await expect(guard.resolve('[::1]', 8081)).resolves.toMatchObject({
      address: '::1',
      family: 6,
    });
    await denial(guard.resolve('127.0.0.1', 8081));
    await denial(guard.resolve('::1', 8080));
  });

  it('a CIDR entry allows its range', async () => {
    const guard = await guardWith('127.0.0.0/30, fe80::/64', { denyPrivate: true });
    await expect(guard.resolve('127.0.0.3', 80)).resolves.toBeDefined();
    await expect(guard.resolve('fe80::1', 80)).resolves.toBeDefined();
    await denial(guard.resolve('127.0.0.4', 80));
  });

  it('a name entry allows the name and whatever it resolves to, localhost included', async () => {
    const guard = await guardWith('localhost:8080'); // the OS resolver: /etc/hosts applies
    await expect(guard.resolve('localhost', 8080)).resolves.toMatchObject({
      address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/),
    });
    await denial(guard.resolve('localhost', 8081));
    await denial(guard.resolve('127.0.0.1', 8080));
  });

  it('a private range entry overrides denyPrivate', async () => {
    const guard = await guardWith('10.0.0.0/8', { denyPrivate: true });
    await expect(guard.resolve('10.9.9.9', 80)).resolves.toBeDefined();
    await denial(guard.resolve('192.168.0.1', 80));
  });
});

describe("Patchbay's own ports", () => {
  it('denies the database port even when the allow list allows its host', async () => {
    const guard = await guardWith('127.0.0.1,localhost', {
      ownEndpoints: [{ kind: 'database', host: '127.0.0.1', port: 54329 }],
    });
    const error = await denial(guard.resolve('127.0.0.1', 54329));
    expect(error.message).toBe(
      "Egress to 127.0.0.1:54329 is denied: Patchbay's database port. Only an entry naming this " +
        'host and port allows it: PATCHBAY_EGRESS_ALLOW=127.0.0.1:54329.',
    );
    // Any loopback address and name reaches a database on loopback.
    await denial(guard.resolve('127.0.0.2', 54329));
    await denial(guard.resolve('localhost', 54329));
    await expect(guard.resolve('127.0.0.1', 54330)).resolves.toBeDefined();
  });

  it('allows the database port only through an entry naming that host and port', async () => {
    const guard = await guardWith('127.0.0.1:54329', {
      ownEndpoints: [{ kind: 'database', host: 'localhost', port: 54329 }],
    });
    await expect(guard.resolve('127.0.0.1', 54329)).resolves.toBeDefined();
  });

  it('denies a database reached by name, by its name and by its addresses', async () => {
    const { resolver } = fixedResolver({ 'db.internal': ['10.1.2.3'] });
    const guard = await guardWith('', {
      resolver,
      ownEndpoints: [{ kind: 'database', host: 'db.internal', port: 5432 }],
    });
    expect(guard.check('db.internal', 5432)?.rule).toBe(EGRESS_RULES.databasePort);
    await denial(guard.resolve('db.internal', 5432));
    await denial(guard.resolve('10.1.2.3', 5432));
    await expect(guard.resolve('10.1.2.3', 80)).resolves.toBeDefined();
  });

  it('denies the HTTP port on every local address when listening on all interfaces', async () => {
    const guard = await guardWith('127.0.0.0/8,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16');
    await guard.addOwnEndpoint({ kind: 'http', host: '0.0.0.0', port: 3000 });
    expect((await denial(guard.resolve('127.0.0.1', 3000))).denial.rule).toBe(
      EGRESS_RULES.httpPort,
    );
    const local = Object.values(networkInterfaces())
      .flat()
      .find((info) => info && !info.internal && info.family === 'IPv4');
    if (local) await denial(guard.resolve(local.address, 3000));
    await expect(guard.resolve('127.0.0.1', 3001)).resolves.toBeDefined();
  });
});

describe('EgressGuard.check (no DNS, for save warnings)', () => {
  it('reports literals, denied names and own ports, and leaves other names to run time', async () => {
    const { resolver, asked } = fixedResolver({});
    const guard = await guardWith('', {
      resolver,
      ownEndpoints: [{ kind: 'database', host: '127.0.0.1', port: 5432 }],
    });
    expect(guard.check('[::1]', 80)?.rule).toBe(EGRESS_RULES.loopback);
    expect(guard.check('localhost', 80)?.rule).toBe(EGRESS_RULES.localhostName);
    expect(guard.check('metadata.google.internal', 80)?.rule).toBe(EGRESS_RULES.cloudMetadataName);
    expect(guard.check('api.example.com', 443)).toBeUndefined();
    expect(guard.check('10.0.0.1', 80)).toBeUndefined();
    expect(asked).toEqual([]);
  });
});

describe('settings from the environment', () => {
  it('reads PATCHBAY_EGRESS_ALLOW and PATCHBAY_EGRESS_DENY_PRIVATE', async () => {
    expect(
      egressSettingsFromEnv({
        PATCHBAY_EGRESS_ALLOW: '127.0.0.1:8080',
        PATCHBAY_EGRESS_DENY_PRIVATE: 'true',
      }),
    ).toMatchObject({ allow: [{ kind: 'address', port: 8080 }], denyPrivate: true });
    expect(egressSettingsFromEnv({})).toEqual({ allow: [], denyPrivate: false });
    const guard = await createEgressGuardFromEnv({ PATCHBAY_EGRESS_DENY_PRIVATE: '1' });
    expect(guard.check('10.0.0.1', 80)?.rule).toBe(EGRESS_RULES.private);
  });

  it('refuses bad values with an error naming the variable', () => {
    expect(() => egressSettingsFromEnv({ PATCHBAY_EGRESS_ALLOW: 'http://x' })).toThrow(
      EgressConfigError,
    );
    expect(() => egressSettingsFromEnv({ PATCHBAY_EGRESS_DENY_PRIVATE: 'maybe' })).toThrow(
      'PATCHBAY_EGRESS_DENY_PRIVATE must be true or false, got "maybe"',
    );
  });
});
