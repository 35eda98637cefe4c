import { describe, expect, it } from 'vitest';
import { clientAddress, parseTrustedProxies, TrustedProxies } from '@/lib/auth/client-address.ts';
import { loadConfig } from '@/lib/config.ts';

// ENTROOS_TRUSTED_PROXIES: X-Forwarded-For is believed only from the load balancers listed, read from the right
// (the rightmost address that is not a trusted proxy is the client), never from anyone else.

describe('parseTrustedProxies', () => {
  it('takes addresses, CIDR ranges of both families and "loopback", comma-separated', () => {
    expect(parseTrustedProxies(' 10.0.0.5, 10.1.0.0/16 ,fd00::/8,::1,loopback,,')).toEqual([
      '10.0.0.5',
      '10.1.0.0/16',
      'fd00::/8',
      '::1',
      'loopback',
    ]);
    expect(parseTrustedProxies('')).toEqual([]);
  });

  it.each([
    ['lb.internal', /"lb.internal" is not an IP address, a CIDR range or "loopback"/],
    ['10.0.0.300', /"10.0.0.300" is not an IP address/],
    ['10.0.0.0/33', /"10.0.0.0\/33": an IPv4 prefix is at most \/32/],
    ['fd00::/129', /an IPv6 prefix is at most \/128/],
    ['10.0.0.0/8/1', /is not an IP address/],
    ['10.0.0.0/x', /is not an IP address/],
    ['0.0.0.0/0', /would trust every address/],
    ['::/0', /would trust every address/],
  ])('refuses %s, naming it', (value, message) => {
    expect(() => parseTrustedProxies(value)).toThrow(message);
  });

  it('is validated with the other settings, in an error that says what to set', () => {
    expect(loadConfig({ ENTROOS_TRUSTED_PROXIES: '10.0.0.5,10.0.1.0/24' }, '/nonexistent').trustedProxies).toEqual([
      '10.0.0.5',
      '10.0.1.0/24',
    ]);
    expect(loadConfig({}, '/nonexistent').trustedProxies).toEqual([]);
    expect(() => loadConfig({ ENTROOS_TRUSTED_PROXIES: '10.0.0.5,haproxy' }, '/nonexistent')).toThrow(
      'invalid configuration: ENTROOS_TRUSTED_PROXIES must be the addresses or CIDR ranges of the load balancers in front of EntroOS, comma-separated (such as 10.0.0.5,10.0.1.0/24 or loopback), or empty; "haproxy" is not an IP address, a CIDR range or "loopback" (got "10.0.0.5,haproxy")',
    );
  });
});

describe('TrustedProxies', () => {
  const proxies = new TrustedProxies(['10.0.0.5', '10.1.0.0/16', 'fd00::/8', 'loopback']);

  it.each([
    ['10.0.0.5', true],
    ['10.0.0.6', false],
    ['10.1.200.3', true],
    ['10.2.0.1', false],
    ['fd12:3456::1', true],
    ['fe80::1', false],
    ['127.0.0.1', true],
    ['127.9.9.9', true],
    ['::1', true],
    // An IPv4 client of a dual-stack socket.
    ['::ffff:10.0.0.5', true],
    ['::ffff:10.0.0.7', false],
  ])('%s trusted: %s', (ip, trusted) => {
    expect(proxies.trusts(ip)).toBe(trusted);
  });

  it('trusts nobody when empty', () => {
    expect(new TrustedProxies([]).trusts('127.0.0.1')).toBe(false);
  });
});

describe('clientAddress', () => {
  const LB = '10.0.0.5';
  const trusted = ['10.0.0.5', '10.0.9.0/24'];

  it('is the connection without trusted proxies, whatever X-Forwarded-For says', () => {
    expect(clientAddress('203.0.113.7', '198.51.100.1', [])).toEqual({
      ip: '203.0.113.7',
      sourceIPs: ['203.0.113.7'],
      unverified: ['198.51.100.1'],
    });
    expect(clientAddress(LB, '198.51.100.1', [])).toMatchObject({ ip: LB });
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy (no spoofing past the balancer)', () => {
    expect(clientAddress('203.0.113.7', '10.0.0.5, 198.51.100.1', trusted)).toEqual({
      ip: '203.0.113.7',
      sourceIPs: ['203.0.113.7'],
      unverified: ['10.0.0.5', '198.51.100.1'],
    });
  });

  it('is the address the trusted balancer appended', () => {
    expect(clientAddress(LB, '198.51.100.1', trusted)).toEqual({
      ip: '198.51.100.1',
      sourceIPs: ['198.51.100.1', LB],
      unverified: [],
    });
  });

  it('takes the rightmost untrusted hop: what the client wrote itself is only a claim', () => {
    expect(clientAddress(LB, '1.1.1.1, 2.2.2.2, 198.51.100.1', trusted)).toEqual({
      ip: '198.51.100.1',
      sourceIPs: ['198.51.100.1', LB],
      unverified: ['1.1.1.1', '2.2.2.2'],
    });
  });

  it('skips every trusted proxy on the way (a follower forwarding to the leader, a second balancer)', () => {
    expect(clientAddress('10.0.9.12', ['6.6.6.6, 198.51.100.1', '10.0.0.5'], trusted)).toEqual({
      ip: '198.51.100.1',
      sourceIPs: ['198.51.100.1', '10.0.0.5', '10.0.9.12'],
      unverified: ['6.6.6.6'],
    });
  });

  it('is the leftmost address when every hop is a trusted proxy', () => {
    expect(clientAddress(LB, '10.0.9.1, 10.0.9.2', trusted)).toMatchObject({
      ip: '10.0.9.1',
      sourceIPs: ['10.0.9.1', '10.0.9.2', LB],
    });
  });

  it('is the peer behind a trusted proxy that sent no X-Forwarded-For', () => {
    expect(clientAddress(LB, undefined, trusted)).toEqual({ ip: LB, sourceIPs: [LB], unverified: [] });
    expect(clientAddress(LB, ' , ', trusted)).toEqual({ ip: LB, sourceIPs: [LB], unverified: [] });
  });

  it('reads ports, brackets and IPv4-mapped addresses, and stops at an entry that is no address', () => {
    expect(clientAddress(LB, '198.51.100.1:4711', trusted).ip).toBe('198.51.100.1');
    expect(clientAddress(LB, '[2001:DB8::1]:443', trusted).ip).toBe('2001:db8::1');
    expect(clientAddress(LB, '2001:db8::2', trusted).ip).toBe('2001:db8::2');
    expect(clientAddress(`::ffff:${LB}`, '198.51.100.1', trusted)).toMatchObject({
      ip: '198.51.100.1',
      sourceIPs: ['198.51.100.1', LB],
    });
    // "unknown" (or garbage) where an address should be: the nearest address known is the last proxy read.
    expect(clientAddress(LB, '198.51.100.1, unknown, 10.0.9.3', trusted)).toEqual({
      ip: '10.0.9.3',
      sourceIPs: ['10.0.9.3', LB],
      unverified: ['198.51.100.1', 'unknown'],
    });
  });

  it('has no address for a connection that is already gone', () => {
    expect(clientAddress(undefined, '198.51.100.1', trusted)).toEqual({
      ip: '',
      sourceIPs: [],
      unverified: ['198.51.100.1'],
    });
  });
});
