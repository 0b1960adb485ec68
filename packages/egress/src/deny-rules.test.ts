import { describe, expect, it } from 'vitest';
import { addressDenyRule, EGRESS_RULES, nameDenyRule } from './deny-rules.ts';
import { parseIpAddress } from './ip-address.ts';

const ruleFor = (text: string, denyPrivate = false) => {
  const address = parseIpAddress(text);
  if (!address) throw new Error(`not an address: ${text}`);
  return addressDenyRule(address, { denyPrivate });
};

describe('addressDenyRule', () => {
  it.each([
    ['127.0.0.1', EGRESS_RULES.loopback],
    ['127.255.10.1', EGRESS_RULES.loopback],
    ['2130706433', EGRESS_RULES.loopback],
    ['::1', EGRESS_RULES.loopback],
    ['::ffff:127.0.0.1', EGRESS_RULES.loopback],
    ['::7f00:1', EGRESS_RULES.loopback], // IPv4-compatible (deprecated) form
    ['0.0.0.0', EGRESS_RULES.unspecified],
    ['::', EGRESS_RULES.unspecified],
    ['169.254.169.254', EGRESS_RULES.cloudMetadataAddress],
    ['fd00:ec2::254', EGRESS_RULES.cloudMetadataAddress],
    ['64:ff9b::a9fe:a9fe', EGRESS_RULES.cloudMetadataAddress], // NAT64 to 169.254.169.254
    ['100.100.100.200', EGRESS_RULES.cloudMetadataAddress],
    ['169.254.1.1', EGRESS_RULES.linkLocal],
    ['fe80::1', EGRESS_RULES.linkLocal],
    ['224.0.0.251', EGRESS_RULES.multicast],
    ['ff02::1', EGRESS_RULES.multicast],
    ['255.255.255.255', EGRESS_RULES.reserved],
  ])('denies %s by default: %s', (address, rule) => {
    expect(ruleFor(address)).toBe(rule);
  });

  it.each(['10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1', '100.64.0.1', 'fd12::1'])(
    'allows the private address %s by default and denies it with PATCHBAY_EGRESS_DENY_PRIVATE',
    (address) => {
      expect(ruleFor(address)).toBeUndefined();
      expect(ruleFor(address, true)).toBe(EGRESS_RULES.private);
    },
  );

  it('still names metadata rather than private for fd00:ec2::254 when private is denied', () => {
    expect(ruleFor('fd00:ec2::254', true)).toBe(EGRESS_RULES.cloudMetadataAddress);
  });

  it.each(['93.184.216.34', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows the public address %s',
    (address) => {
      expect(ruleFor(address, true)).toBeUndefined();
    },
  );
});

describe('nameDenyRule', () => {
  it.each([
    ['localhost', EGRESS_RULES.localhostName],
    ['LOCALHOST.', EGRESS_RULES.localhostName],
    ['api.localhost', EGRESS_RULES.localhostName],
    ['metadata.google.internal', EGRESS_RULES.cloudMetadataName],
    ['Metadata.Google.Internal.', EGRESS_RULES.cloudMetadataName],
    ['metadata.goog', EGRESS_RULES.cloudMetadataName],
  ])('denies the name %s: %s', (name, rule) => {
    expect(nameDenyRule(name)).toBe(rule);
  });

  it.each(['example.com', 'localhost.example.com', 'notlocalhost', 'metadata.example.com'])(
    'leaves %s to DNS',
    (name) => {
      expect(nameDenyRule(name)).toBeUndefined();
    },
  );
});
