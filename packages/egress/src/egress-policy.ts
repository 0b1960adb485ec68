/**
 * The egress policy as data, and the decision for one host, port and address: Patchbay's own
 * ports first, then the allow list, then the default deny rules. Pure: the guard resolves names.
 */
import { type AllowEntry, allowEntryMatches, allowEntryNamesExactly } from './allow-list.ts';
import { cidr, cidrContains } from './cidr.ts';
import { addressDenyRule, type EgressRule, nameDenyRule, normaliseHostName } from './deny-rules.ts';
import { formatHostPort, type IpAddress } from './ip-address.ts';

/** A port of Patchbay's own (its database, its HTTP listener) that flows must not reach. */
export type OwnEndpoint = {
  rule: EgressRule;
  port: number;
  /** Host names that reach it, normalised. */
  names: ReadonlySet<string>;
  /** Addresses that reach it. */
  addresses: readonly IpAddress[];
  /**
   * It listens on loopback or on every interface: any address of this machine reaches it (a
   * database configured as 127.0.0.1 often listens on every interface too).
   */
  anyLocal: boolean;
};

export type EgressPolicy = {
  allow: readonly AllowEntry[];
  /** Deny RFC 1918, 100.64.0.0/10 and fc00::/7 too (PATCHBAY_EGRESS_DENY_PRIVATE). */
  denyPrivate: boolean;
  ownEndpoints: readonly OwnEndpoint[];
  /** This machine's interface addresses, for `anyLocal` endpoints. */
  localAddresses: readonly IpAddress[];
};

/** Why a connection is refused: what was asked for, the address checked, and the rule. */
export type EgressDenial = {
  /** The host as the caller gave it. */
  host: string;
  port: number;
  /** The checked address (canonical); absent when the name itself is refused. */
  address?: string;
  rule: EgressRule;
  /** How an operator allows it. */
  remedy: string;
};

const DEFAULT_REMEDY = 'Allow it with PATCHBAY_EGRESS_ALLOW.';
const THIS_MACHINE = ['127.0.0.0/8', '::1/128', '0.0.0.0/8', '::/128'].map(cidr);

/** The denial of a host name before it is resolved, or undefined to go on and resolve it. */
export function checkName(
  policy: EgressPolicy,
  host: string,
  port: number,
): EgressDenial | undefined {
  const target = { host, port, address: undefined };
  const name = normaliseHostName(host);
  const own = policy.ownEndpoints.find((e) => e.port === port && e.names.has(name));
  if (own) {
    if (policy.allow.some((entry) => allowEntryNamesExactly(entry, target))) return undefined;
    return { host, port, rule: own.rule, remedy: exactRemedy(formatHostPort(name, port)) };
  }
  if (policy.allow.some((entry) => allowEntryMatches(entry, target))) return undefined;
  const rule = nameDenyRule(host);
  return rule ? { host, port, rule, remedy: DEFAULT_REMEDY } : undefined;
}

/** The denial of a connection to `address` (resolved from `host`), or undefined when allowed. */
export function checkAddress(
  policy: EgressPolicy,
  host: string,
  port: number,
  address: IpAddress,
): EgressDenial | undefined {
  const target = { host, port, address };
  const own = policy.ownEndpoints.find((endpoint) => reaches(policy, endpoint, target));
  if (own) {
    if (policy.allow.some((entry) => allowEntryNamesExactly(entry, target))) return undefined;
    const remedy = exactRemedy(formatHostPort(address.text, port));
    return { host, port, address: address.text, rule: own.rule, remedy };
  }
  if (policy.allow.some((entry) => allowEntryMatches(entry, target))) return undefined;
  const rule = addressDenyRule(address, policy);
  return rule ? { host, port, address: address.text, rule, remedy: DEFAULT_REMEDY } : undefined;
}

function reaches(
  policy: EgressPolicy,
  endpoint: OwnEndpoint,
  target: { host: string; port: number; address: IpAddress },
): boolean {
  if (endpoint.port !== target.port) return false;
  if (endpoint.names.has(normaliseHostName(target.host))) return true;
  if (endpoint.addresses.some((address) => sameAddress(address, target.address))) return true;
  return endpoint.anyLocal && isThisMachine(policy, target.address);
}

/** Loopback, unspecified (which connects to this machine) or one of its interface addresses. */
export function isThisMachine(policy: EgressPolicy, address: IpAddress): boolean {
  return (
    THIS_MACHINE.some((range) => cidrContains(range, address)) ||
    policy.localAddresses.some((local) => sameAddress(local, address))
  );
}

function sameAddress(a: IpAddress, b: IpAddress): boolean {
  return a.family === b.family && a.value === b.value;
}

function exactRemedy(hostPort: string): string {
  return `Only an entry naming this host and port allows it: PATCHBAY_EGRESS_ALLOW=${hostPort}.`;
}
