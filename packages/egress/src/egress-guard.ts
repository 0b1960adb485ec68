/**
 * The one egress guard every outgoing connection goes through. `resolve(host, port)` refuses
 * denied names before any lookup, resolves the rest with the OS resolver (so /etc/hosts
 * applies), checks every address, and returns one checked address for the caller to connect to,
 * so nothing can rebind between the check and the connect.
 */
import { lookup } from 'node:dns/promises';
import { networkInterfaces } from 'node:os';
import type { AllowEntry } from './allow-list.ts';
import { EGRESS_RULES, nameDenyRule, normaliseHostName } from './deny-rules.ts';
import { EgressDeniedError } from './egress-denied-error.ts';
import {
  checkAddress,
  checkName,
  type EgressDenial,
  type EgressPolicy,
  isThisMachine,
  type OwnEndpoint,
} from './egress-policy.ts';
import { type IpAddress, parseIpAddress } from './ip-address.ts';

/** Resolves a name to all its addresses; the default is `dns.lookup(host, { all: true })`. */
export type Resolver = (host: string) => Promise<readonly { address: string; family: number }[]>;

/** A checked address to connect to. */
export type EgressTarget = {
  /** The host as asked for: a connector keeps it for TLS SNI and certificate checks. */
  host: string;
  port: number;
  /** The checked address, canonical (an IPv6 zone id kept): connect to exactly this. */
  address: string;
  family: 4 | 6;
};

/** One of Patchbay's own listeners, as configured (`host` may be a name, an IP or 0.0.0.0). */
export type OwnEndpointConfig = { kind: 'database' | 'http'; host: string; port: number };

export type EgressGuardOptions = {
  allow?: readonly AllowEntry[];
  denyPrivate?: boolean;
  ownEndpoints?: readonly OwnEndpointConfig[];
  resolver?: Resolver;
};

const OWN_RULES = { database: EGRESS_RULES.databasePort, http: EGRESS_RULES.httpPort } as const;

const systemResolver: Resolver = (host) => lookup(host, { all: true, order: 'verbatim' });

export class EgressGuard {
  private readonly policy: EgressPolicy & { ownEndpoints: OwnEndpoint[] };
  private readonly resolver: Resolver;

  private constructor(policy: EgressPolicy & { ownEndpoints: OwnEndpoint[] }, resolver: Resolver) {
    this.policy = policy;
    this.resolver = resolver;
  }

  /** Resolves the names of the own endpoints once, so that later checks need no DNS for them. */
  static async create(options: EgressGuardOptions = {}): Promise<EgressGuard> {
    const guard = new EgressGuard(
      {
        allow: options.allow ?? [],
        denyPrivate: options.denyPrivate ?? false,
        ownEndpoints: [],
        localAddresses: interfaceAddresses(),
      },
      options.resolver ?? systemResolver,
    );
    for (const endpoint of options.ownEndpoints ?? []) await guard.addOwnEndpoint(endpoint);
    return guard;
  }

  /**
   * The address to connect to for `host`:`port`. Throws EgressDeniedError when the name or any
   * address it resolves to is denied; lookup failures are thrown as they come (ENOTFOUND, …).
   */
  async resolve(host: string, port: number): Promise<EgressTarget> {
    const literal = parseIpAddress(host);
    let addresses: IpAddress[];
    if (literal) {
      addresses = [literal];
    } else {
      throwIfDenied(checkName(this.policy, host, port));
      addresses = await this.lookup(host);
    }
    // Every address is checked, not only the one used: a name that resolves to a public and
    // an internal address is refused rather than raced.
    for (const address of addresses) throwIfDenied(checkAddress(this.policy, host, port, address));
    const [first] = addresses as [IpAddress];
    return {
      host,
      port,
      address: first.zone ? `${first.text}%${first.zone}` : first.text,
      family: first.family,
    };
  }

  /**
   * The denial of `host`:`port` known without DNS (an IP literal, a denied name, an own port),
   * or undefined. For warnings when a flow is saved; `resolve` remains the check that counts.
   */
  check(host: string, port: number): EgressDenial | undefined {
    const literal = parseIpAddress(host);
    return literal
      ? checkAddress(this.policy, host, port, literal)
      : checkName(this.policy, host, port);
  }

  /** Protects another own port (e.g. the HTTP port once a random one is bound). */
  async addOwnEndpoint(endpoint: OwnEndpointConfig): Promise<void> {
    const name = normaliseHostName(endpoint.host);
    const literal = parseIpAddress(name);
    let addresses: IpAddress[] = literal ? [literal] : [];
    const local = literal
      ? isThisMachine(this.policy, literal)
      : name === '' || nameDenyRule(name) === EGRESS_RULES.localhostName;
    if (!literal && !local) {
      // Unresolvable now means the process cannot reach it either; the name is still denied.
      addresses = await this.lookup(name).catch(() => []);
    }
    this.policy.ownEndpoints.push({
      rule: OWN_RULES[endpoint.kind],
      port: endpoint.port,
      names: new Set(literal ? [] : [name]),
      addresses,
      anyLocal: local,
    });
  }

  private async lookup(host: string): Promise<IpAddress[]> {
    const results = await this.resolver(host);
    const addresses = results.flatMap(({ address }) => {
      const parsed = parseIpAddress(address);
      return parsed ? [parsed] : [];
    });
    if (addresses.length === 0) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {
        code: 'ENOTFOUND',
        hostname: host,
      });
    }
    return addresses;
  }
}

function throwIfDenied(denial: EgressDenial | undefined): void {
  if (denial) throw new EgressDeniedError(denial);
}

function interfaceAddresses(): IpAddress[] {
  return Object.values(networkInterfaces()).flatMap((infos) =>
    (infos ?? []).flatMap((info) => {
      const parsed = parseIpAddress(info.address);
      return parsed ? [parsed] : [];
    }),
  );
}
