/**
 * IP address literals in every form a URL parser or the OS resolver accepts, normalised to one
 * canonical value: `2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1`, `::ffff:127.0.0.1` and
 * `[::ffff:7f00:1]` are all 127.0.0.1. Pure: no DNS.
 */
import { isIPv6 } from 'node:net';

export type IpFamily = 4 | 6;

export type IpAddress = {
  readonly family: IpFamily;
  /** The address as a 32-bit (IPv4) or 128-bit (IPv6) number. */
  readonly value: bigint;
  /** Canonical text: dotted decimal, or RFC 5952 IPv6 without brackets or zone. */
  readonly text: string;
  /** An IPv6 zone id (`%eth0`), kept for connecting; it plays no part in any check. */
  readonly zone?: string;
};

const IPV4_MAX = 0xffff_ffffn;
const MAPPED_PREFIX = 0xffffn; // ::ffff:0:0/96

/**
 * The address a host string denotes when it is an IP literal, or undefined for a name. IPv4
 * follows inet_aton and the WHATWG URL host parser: 1 to 4 parts, each decimal, octal (leading
 * 0) or hex (0x), the last filling the remaining bytes. IPv4-mapped IPv6 becomes IPv4.
 */
export function parseIpAddress(input: string): IpAddress | undefined {
  let text = input.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  if (text.includes(':')) return parseIpv6(text);
  const value = parseIpv4Value(text);
  return value === undefined ? undefined : ipv4(value);
}

/** Whether `text` is an IP literal in any accepted form. */
export function isIpLiteral(text: string): boolean {
  return parseIpAddress(text) !== undefined;
}

export function ipv4(value: bigint): IpAddress {
  return { family: 4, value, text: formatIpv4(value) };
}

/** The IPv4 address embedded in the low 32 bits of an IPv6 address. */
export function embeddedIpv4(address: IpAddress): IpAddress {
  return ipv4(address.value & IPV4_MAX);
}

/** `address:port`, with brackets around IPv6. */
export function formatHostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function parseIpv4Value(text: string): bigint | undefined {
  // One trailing dot is allowed, as in a fully qualified name ("127.0.0.1.").
  const parts = (text.endsWith('.') ? text.slice(0, -1) : text).split('.');
  if (parts.length === 0 || parts.length > 4) return undefined;
  const numbers: bigint[] = [];
  for (const part of parts) {
    const number = parseIpv4Part(part);
    if (number === undefined) return undefined;
    numbers.push(number);
  }
  const last = numbers.pop() ?? 0n;
  let value = 0n;
  for (const number of numbers) {
    if (number > 255n) return undefined;
    value = (value << 8n) | number;
  }
  const lastBits = BigInt(8 * (4 - numbers.length));
  if (last >= 1n << lastBits) return undefined;
  return (value << lastBits) | last;
}

function parseIpv4Part(part: string): bigint | undefined {
  if (/^0x[0-9a-f]*$/i.test(part)) return part.length === 2 ? 0n : BigInt(part);
  if (/^0[0-7]+$/.test(part)) return BigInt(`0o${part.slice(1)}`);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return BigInt(part);
  return undefined;
}

function parseIpv6(input: string): IpAddress | undefined {
  // A zone id may arrive URL-encoded ("%25eth0").
  const zoneAt = input.indexOf('%');
  const text = zoneAt === -1 ? input : input.slice(0, zoneAt);
  const zone = zoneAt === -1 ? undefined : input.slice(zoneAt + 1).replace(/^25/, '');
  if (!isIPv6(text)) return undefined;
  const value = ipv6Value(text.toLowerCase());
  if (value >> 32n === MAPPED_PREFIX) return ipv4(value & IPV4_MAX);
  return {
    family: 6,
    value,
    text: formatIpv6(value),
    ...(zone ? { zone } : {}),
  };
}

/** The value of an IPv6 address that node:net already accepted. */
function ipv6Value(text: string): bigint {
  const groupsOf = (part: string): bigint[] => {
    if (part === '') return [];
    return part.split(':').flatMap((piece) => {
      if (!piece.includes('.')) return [BigInt(`0x${piece}`)];
      const v4 = parseIpv4Value(piece) ?? 0n;
      return [v4 >> 16n, v4 & 0xffffn];
    });
  };
  const gap = text.indexOf('::');
  let groups: bigint[];
  if (gap === -1) {
    groups = groupsOf(text);
  } else {
    const head = groupsOf(text.slice(0, gap));
    const tail = groupsOf(text.slice(gap + 2));
    groups = [...head, ...Array<bigint>(8 - head.length - tail.length).fill(0n), ...tail];
  }
  return groups.reduce((value, group) => (value << 16n) | group, 0n);
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

/** RFC 5952: lowercase hex, no leading zeros, the longest run of two or more zero groups as "::". */
function formatIpv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, index) =>
    Number((value >> BigInt(16 * (7 - index))) & 0xffffn),
  );
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}
