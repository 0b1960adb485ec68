import { describe, expect, it } from 'vitest';
import { parseCidr } from './cidr.ts';
import { formatHostPort, parseIpAddress } from './ip-address.ts';

describe('parseIpAddress', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'], // decimal
    ['0177.0.0.1', '127.0.0.1'], // octal
    ['017700000001', '127.0.0.1'], // one octal number
    ['0x7f.0.0.1', '127.0.0.1'], // hex part
    ['0x7f000001', '127.0.0.1'], // one hex number
    ['0X7F.1', '127.0.0.1'], // short, upper-case hex
    ['127.0.0.0x1', '127.0.0.1'], // hex last part
    ['127.1', '127.0.0.1'], // short: the last part fills three bytes
    ['127.0.1', '127.0.0.1'], // short: the last part fills two bytes
    ['0', '0.0.0.0'],
    ['0x', '0.0.0.0'],
    ['169.254.43518', '169.254.169.254'],
    ['127.0.0.1.', '127.0.0.1'], // trailing dot, as in a fully qualified name
    [' 10.1.2.3 ', '10.1.2.3'],
  ])('reads the IPv4 form %s as %s', (input, canonical) => {
    expect(parseIpAddress(input)).toMatchObject({ family: 4, text: canonical });
  });

  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::ffff:7f00:1', '127.0.0.1'],
    ['[::ffff:7f00:1]', '127.0.0.1'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', '169.254.169.254'],
    ['::FFFF:10.0.0.1', '10.0.0.1'],
  ])('reads the IPv4-mapped IPv6 form %s as the IPv4 address %s', (input, canonical) => {
    expect(parseIpAddress(input)).toMatchObject({ family: 4, text: canonical });
  });

  it.each([
    ['::1', '::1'],
    ['[::1]', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['::', '::'],
    ['FD00:EC2:0:0:0:0:0:254', 'fd00:ec2::254'],
    ['fe80::1%eth0', 'fe80::1'],
    ['[fe80::1%25eth0]', 'fe80::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::7f00:1', '::7f00:1'],
    ['64:ff9b::127.0.0.1', '64:ff9b::7f00:1'],
  ])('reads the IPv6 form %s as %s', (input, canonical) => {
    expect(parseIpAddress(input)).toMatchObject({ family: 6, text: canonical });
  });

  it('keeps an IPv6 zone id for connecting', () => {
    expect(parseIpAddress('fe80::1%eth0')?.zone).toBe('eth0');
    expect(parseIpAddress('[fe80::1%25eth0]')?.zone).toBe('eth0');
  });

  it.each([
    'example.com',
    'localhost',
    '256.0.0.1',
    '1.2.3.4.5',
    '4294967296', // one past 255.255.255.255
    '08.0.0.1', // 8 is not an octal digit
    '1..2',
    '',
    '::g',
    '[127.0.0.1',
    '1.2.3.foo',
  ])('treats %j as a name, not an address', (input) => {
    expect(parseIpAddress(input)).toBeUndefined();
  });
});

describe('parseCidr', () => {
  it('reads IPv4 and IPv6 ranges and clears host bits', () => {
    expect(parseCidr('10.1.2.3/8')).toMatchObject({ family: 4, base: 0x0a000000n, prefix: 8 });
    expect(parseCidr('fe80::/10')).toMatchObject({ family: 6, prefix: 10 });
  });

  it('reads an IPv4-mapped range as the IPv4 range it names', () => {
    expect(parseCidr('::ffff:10.0.0.0/104')).toMatchObject({ family: 4, prefix: 8 });
  });

  it.each(['10.0.0.0/33', '::/129', '10.0.0.0/', 'example.com/8', '10.0.0.0/8/8'])(
    'rejects %s',
    (input) => {
      expect(parseCidr(input)).toBeUndefined();
    },
  );
});

describe('formatHostPort', () => {
  it('brackets IPv6 addresses', () => {
    expect(formatHostPort('::1', 80)).toBe('[::1]:80');
    expect(formatHostPort('10.0.0.1', 80)).toBe('10.0.0.1:80');
  });
});
