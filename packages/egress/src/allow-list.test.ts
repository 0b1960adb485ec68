import { describe, expect, it } from 'vitest';
import { EgressConfigError, parseAllowList } from './allow-list.ts';

describe('parseAllowList', () => {
  it('reads host, host:port, address, address:port, IPv6 and CIDR entries', () => {
    const entries = parseAllowList(
      ' api.internal , Billing.Internal.:8443,127.0.0.1, 10.0.0.5:8080, [::1]:9000, ::1, 10.0.0.0/8, fd00::/8,',
    );
    expect(entries).toMatchObject([
      { kind: 'name', name: 'api.internal', port: undefined },
      { kind: 'name', name: 'billing.internal', port: 8443 },
      { kind: 'address', address: { text: '127.0.0.1' }, port: undefined },
      { kind: 'address', address: { text: '10.0.0.5' }, port: 8080 },
      { kind: 'address', address: { text: '::1' }, port: 9000 },
      { kind: 'address', address: { text: '::1' }, port: undefined },
      { kind: 'cidr', range: { family: 4, prefix: 8 } },
      { kind: 'cidr', range: { family: 6, prefix: 8 } },
    ]);
  });

  it('is empty when unset or blank', () => {
    expect(parseAllowList(undefined)).toEqual([]);
    expect(parseAllowList(' , ')).toEqual([]);
  });

  it('normalises address entries written in other forms', () => {
    expect(parseAllowList('2130706433:80')).toMatchObject([
      { kind: 'address', address: { text: '127.0.0.1' }, port: 80 },
    ]);
  });

  it.each([
    'http://api.internal',
    'api.internal:0',
    'api.internal:70000',
    'api.internal:http',
    '10.0.0.0/33',
    '10.0.0.0/8:80',
    '[::1',
    '[api.internal]:80',
    'two words',
    'api.internal/path',
  ])('refuses %j with a startup error naming the entry', (entry) => {
    const parse = () => parseAllowList(`api.internal,${entry}`);
    expect(parse).toThrow(EgressConfigError);
    expect(parse).toThrow(`PATCHBAY_EGRESS_ALLOW: "${entry}" is not a host, host:port or CIDR`);
  });
});
