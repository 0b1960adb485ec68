/**
 * PATCHBAY_EGRESS_ALLOW: comma-separated host, host:port or CIDR entries that bypass the deny
 * rules. A bad entry is a startup error naming it. Pure.
 */
import { PatchbayError } from '@patchbay/engine';
import { type Cidr, cidrContains, parseCidr } from './cidr.ts';
import { normaliseHostName } from './deny-rules.ts';
import { type IpAddress, parseIpAddress } from './ip-address.ts';

export type AllowEntry =
  | { kind: 'name'; name: string; port: number | undefined; text: string }
  | { kind: 'address'; address: IpAddress; port: number | undefined; text: string }
  | { kind: 'cidr'; range: Cidr; text: string };

export class EgressConfigError extends PatchbayError {
  constructor(message: string) {
    super('EGRESS_CONFIG_INVALID', message);
  }
}

const HOST_NAME = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/i;

export function parseAllowList(raw: string | undefined, variable = 'PATCHBAY_EGRESS_ALLOW') {
  const entries: AllowEntry[] = [];
  for (const text of (raw ?? '').split(',')) {
    const trimmed = text.trim();
    if (trimmed === '') continue;
    const entry = parseAllowEntry(trimmed);
    if (!entry) {
      throw new EgressConfigError(
        `${variable}: "${trimmed}" is not a host, host:port or CIDR range ` +
          '(examples: api.internal, 10.0.0.5:8080, [::1]:8080, 10.0.0.0/8)',
      );
    }
    entries.push(entry);
  }
  return entries;
}

export function parseAllowEntry(text: string): AllowEntry | undefined {
  if (text.includes('/')) {
    const range = parseCidr(text);
    return range ? { kind: 'cidr', range, text } : undefined;
  }
  const split = splitHostPort(text);
  if (!split) return undefined;
  const { host, port } = split;
  const address = parseIpAddress(host);
  if (address) return { kind: 'address', address, port, text };
  if (text.startsWith('[') || host.includes(':') || !HOST_NAME.test(host)) return undefined;
  return { kind: 'name', name: normaliseHostName(host), port, text };
}

/** Whether `entry` allows a connection to `host` (as requested) at `address`:`port`. */
export function allowEntryMatches(
  entry: AllowEntry,
  target: { host: string; port: number; address: IpAddress | undefined },
): boolean {
  switch (entry.kind) {
    case 'name':
      return portMatches(entry.port, target.port) && entry.name === normaliseHostName(target.host);
    case 'address':
      return (
        portMatches(entry.port, target.port) &&
        target.address !== undefined &&
        target.address.value === entry.address.value &&
        target.address.family === entry.address.family
      );
    case 'cidr':
      return target.address !== undefined && cidrContains(entry.range, target.address);
  }
}

/** The entry names this exact host (or address) and port: only such an entry opens Patchbay's own ports. */
export function allowEntryNamesExactly(
  entry: AllowEntry,
  target: { host: string; port: number; address: IpAddress | undefined },
): boolean {
  return entry.kind !== 'cidr' && entry.port !== undefined && allowEntryMatches(entry, target);
}

function portMatches(entryPort: number | undefined, port: number): boolean {
  return entryPort === undefined || entryPort === port;
}

function splitHostPort(text: string): { host: string; port: number | undefined } | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return withPort(bracketed[1] ?? '', bracketed[2]);
  const colons = text.split(':').length - 1;
  if (colons > 1) return { host: text, port: undefined }; // bare IPv6
  if (colons === 0) return { host: text, port: undefined };
  const at = text.lastIndexOf(':');
  return withPort(text.slice(0, at), text.slice(at + 1));
}

function withPort(host: string, portText: string | undefined) {
  if (portText === undefined) return { host, port: undefined };
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  return port >= 1 && port <= 65535 ? { host, port } : undefined;
}
