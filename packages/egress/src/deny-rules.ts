/**
 * What egress is denied by default, each rule with the name a refusal reports: addresses by
 * range, and host names refused before any DNS lookup. Pure.
 */
import { type Cidr, cidr, cidrContains } from './cidr.ts';
import { embeddedIpv4, type IpAddress } from './ip-address.ts';

export const EGRESS_RULES = {
  cloudMetadataAddress: 'cloud metadata address',
  cloudMetadataName: 'cloud metadata name',
  localhostName: 'localhost name',
  unspecified: 'unspecified address',
  loopback: 'loopback address',
  linkLocal: 'link-local address',
  multicast: 'multicast address',
  reserved: 'reserved address',
  private: 'private address (PATCHBAY_EGRESS_DENY_PRIVATE)',
  databasePort: "Patchbay's database port",
  httpPort: "Patchbay's HTTP port",
} as const;
export type EgressRule = (typeof EGRESS_RULES)[keyof typeof EGRESS_RULES];

type AddressRule = { rule: EgressRule; ranges: readonly Cidr[] };

/** In order: the first rule that matches names the refusal. */
const ALWAYS_DENIED: readonly AddressRule[] = [
  {
    // AWS, GCP, Azure, Oracle and DigitalOcean (169.254.169.254), AWS over IPv6, ECS task
    // metadata, Alibaba Cloud, Azure's WireServer.
    rule: EGRESS_RULES.cloudMetadataAddress,
    ranges: [
      '169.254.169.254/32',
      'fd00:ec2::254/128',
      '169.254.170.2/32',
      '100.100.100.200/32',
      '168.63.129.16/32',
    ].map(cidr),
  },
  { rule: EGRESS_RULES.unspecified, ranges: ['0.0.0.0/8', '::/128'].map(cidr) },
  { rule: EGRESS_RULES.loopback, ranges: ['127.0.0.0/8', '::1/128'].map(cidr) },
  { rule: EGRESS_RULES.linkLocal, ranges: ['169.254.0.0/16', 'fe80::/10'].map(cidr) },
  { rule: EGRESS_RULES.multicast, ranges: ['224.0.0.0/4', 'ff00::/8'].map(cidr) },
  // 240.0.0.0/4 includes the limited broadcast address 255.255.255.255.
  { rule: EGRESS_RULES.reserved, ranges: ['240.0.0.0/4'].map(cidr) },
];

/** Denied only with PATCHBAY_EGRESS_DENY_PRIVATE: RFC 1918, shared address space, ULA. */
const PRIVATE: AddressRule = {
  rule: EGRESS_RULES.private,
  ranges: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'].map(cidr),
};

/**
 * IPv6 ranges that carry an IPv4 address in their low 32 bits and reach it: IPv4-compatible
 * (deprecated, ::/96) and NAT64 (64:ff9b::/96). That IPv4 address is checked too.
 */
const EMBEDS_IPV4: readonly Cidr[] = ['::/96', '64:ff9b::/96'].map(cidr);

/** Well-known names of cloud metadata services, refused by name before resolving. */
const METADATA_NAMES: ReadonlySet<string> = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
]);

/** The rule denying `address`, or undefined when no default rule does. */
export function addressDenyRule(
  address: IpAddress,
  options: { denyPrivate: boolean },
): EgressRule | undefined {
  const rule = matchingRule(address, options);
  if (rule || address.family === 4) return rule;
  if (EMBEDS_IPV4.some((range) => cidrContains(range, address))) {
    return matchingRule(embeddedIpv4(address), options);
  }
  return undefined;
}

/** The rule denying a host name before any lookup, or undefined. */
export function nameDenyRule(name: string): EgressRule | undefined {
  const host = normaliseHostName(name);
  if (host === 'localhost' || host.endsWith('.localhost')) return EGRESS_RULES.localhostName;
  if (METADATA_NAMES.has(host)) return EGRESS_RULES.cloudMetadataName;
  return undefined;
}

/** Lower case, without brackets and trailing dots: how names are compared. */
export function normaliseHostName(name: string): string {
  let host = name.trim().toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return host.replace(/\.+$/, '');
}

function matchingRule(address: IpAddress, options: { denyPrivate: boolean }) {
  const rules = options.denyPrivate ? [...ALWAYS_DENIED, PRIVATE] : ALWAYS_DENIED;
  return rules.find(({ ranges }) => ranges.some((range) => cidrContains(range, address)))?.rule;
}
