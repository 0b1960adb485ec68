/** CIDR ranges ("10.0.0.0/8", "fe80::/10") and whether an address falls inside one. Pure. */
import { type IpAddress, type IpFamily, parseIpAddress } from './ip-address.ts';

export type Cidr = {
  readonly family: IpFamily;
  /** The network address, host bits cleared. */
  readonly base: bigint;
  readonly prefix: number;
  readonly text: string;
};

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

/** Parses "address/prefix"; undefined when it is not a valid range. Host bits are ignored. */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!match) return undefined;
  const [, addressText = '', prefixText = ''] = match;
  const address = parseIpAddress(addressText);
  if (!address) return undefined;
  let prefix = Number(prefixText);
  // "::ffff:10.0.0.0/104" is written in IPv6 but names IPv4 addresses, which is how it is matched.
  if (address.family === 4 && addressText.includes(':')) prefix -= 96;
  const bits = BITS[address.family];
  if (prefix < 0 || prefix > bits) return undefined;
  return {
    family: address.family,
    base: address.value & mask(address.family, prefix),
    prefix,
    text: text.trim(),
  };
}

/** Like parseCidr, for ranges written in code: throws on a typo. */
export function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`Invalid CIDR range "${text}"`);
  return parsed;
}

export function cidrContains(range: Cidr, address: IpAddress): boolean {
  return (
    range.family === address.family &&
    (address.value & mask(range.family, range.prefix)) === range.base
  );
}

function mask(family: IpFamily, prefix: number): bigint {
  const bits = BigInt(BITS[family]);
  const all = (1n << bits) - 1n;
  return (all >> (bits - BigInt(prefix))) << (bits - BigInt(prefix));
}
