import { describe, expect, it } from 'vitest';
import { refusedAddressReason, refusedHostnameReason } from './outbound-address-policy.ts';

const strict = { allowLoopback: false };

describe('refusedAddressReason', () => {
  it.each([
    ['169.254.169.254', 'link-local (metadata server range)'],
    ['fd00:ec2::254', 'unique-local (private)'],
    ['fe80::1', 'link-local (metadata server range)'],
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local (metadata server range)'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT (private)'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'non-public (multicast)'],
    ['64:ff9b::a9fe:a9fe', 'non-public (rfc6052)'],
    ['::a9fe:a9fe', 'IPv4-compatible (deprecated, carries an IPv4 address)'],
    ['::808:808', 'IPv4-compatible (deprecated, carries an IPv4 address)'],
  ])('refuses %s as %s', (address, kind) => {
    expect(refusedAddressReason(address, strict)).toBe(`${address} is a ${kind} address`);
  });

  it.each(['8.8.8.8', '142.250.74.46', '2001:4860:4860::8888'])('allows the public address %s', (address) => {
    expect(refusedAddressReason(address, strict)).toBeUndefined();
  });

  it.each(['127.0.0.1', '::1', '::ffff:127.0.0.1'])('allows loopback %s only when asked', (address) => {
    expect(refusedAddressReason(address, { allowLoopback: true })).toBeUndefined();
  });

  it('keeps refusing the metadata server when loopback is allowed', () => {
    expect(refusedAddressReason('169.254.169.254', { allowLoopback: true })).toMatch(/link-local/);
  });
});

describe('refusedHostnameReason', () => {
  it.each(['metadata.google.internal', 'METADATA.google.internal.', 'metadata'])('refuses %s by name', (hostname) => {
    expect(refusedHostnameReason(hostname)).toBe(`${hostname} is the cloud metadata server`);
  });

  it('lets other names through to resolution', () => {
    expect(refusedHostnameReason('agents.example.com')).toBeUndefined();
  });
});
