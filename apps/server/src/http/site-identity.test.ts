import { describe, expect, it } from 'vitest';
import { createSiteIdentity, parsePublicUrl } from './site-identity.ts';

describe('the site identity', () => {
  it('answers for loopback names on the listening port only', () => {
    const site = createSiteIdentity({ listeningPort: () => 3000 });
    expect(site.isAllowedHost('localhost:3000')).toBe(true);
    expect(site.isAllowedHost('LOCALHOST:3000')).toBe(true);
    expect(site.isAllowedHost('127.0.0.1:3000')).toBe(true);
    expect(site.isAllowedHost('[::1]:3000')).toBe(true);
    expect(site.isAllowedHost('localhost:3001')).toBe(false);
    expect(site.isAllowedHost('localhost')).toBe(false);
    expect(site.isAllowedHost('attacker.example:3000')).toBe(false);
    expect(site.isAllowedHost(undefined)).toBe(false);
    expect(site.isAllowedOrigin('http://localhost:3000')).toBe(true);
    expect(site.isAllowedOrigin('http://localhost:3000.evil.example')).toBe(false);
  });

  it('adds the public URL, with and without its default port', () => {
    const site = createSiteIdentity({
      publicUrl: new URL('https://Patchbay.Example.com'),
      listeningPort: () => 3000,
    });
    expect(site.isAllowedHost('patchbay.example.com')).toBe(true);
    expect(site.isAllowedHost('patchbay.example.com:443')).toBe(true);
    expect(site.isAllowedOrigin('https://patchbay.example.com')).toBe(true);
    expect(site.isAllowedOrigin('http://patchbay.example.com')).toBe(false);
  });

  it('refuses a public URL with a path or another scheme', () => {
    expect(() => parsePublicUrl('ftp://example.com')).toThrow(/http\(s\)/);
    expect(() => parsePublicUrl('https://example.com/patchbay')).toThrow(/path/);
    expect(parsePublicUrl('  ')).toBeUndefined();
  });
});
