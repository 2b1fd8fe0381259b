import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** What an outbound request may reach besides the public internet. */
export interface OutboundAddressOptions {
  /** Loopback (127.0.0.0/8, ::1): only for the local stack and tests. */
  allowLoopback: boolean;
}

/**
 * Names that reach a cloud metadata server whatever they resolve to (Compute Engine answers
 * both; `metadata` is the short name its resolver also serves).
 */
const metadataHostnames = new Set(['metadata.google.internal', 'metadata.google.internal.', 'metadata', 'metadata.']);

/**
 * Why a connection to `address` (an IP literal) is refused, or undefined when it is allowed.
 * Only ipaddr.js's `unicast` range — public, globally routed addresses — is allowed: this refuses
 * private (10/8, 172.16/12, 192.168/16), carrier-grade NAT, link-local (169.254/16, where the
 * 169.254.169.254 metadata server lives; fe80::/10), unique-local (fc00::/7, which holds AWS's
 * fd00:ec2::254), loopback, unspecified, multicast, broadcast and reserved ranges, and IPv6
 * forms that embed an IPv4 address (mapped ones are judged by the address they carry; 6to4,
 * Teredo and NAT64 are refused outright).
 */
export function refusedAddressReason(address: string, options: OutboundAddressOptions): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const parsed = ipaddr.process(address); // IPv4-mapped IPv6 becomes the IPv4 address it carries
  const range = isIpv4Compatible(parsed) ? 'ipv4Compatible' : parsed.range();
  if (range === 'unicast') return undefined;
  if (range === 'loopback' && options.allowLoopback) return undefined;
  return `${address} is a ${describeRange(range)} address`;
}

/**
 * Why a connection to `host` (a name, an IP literal, or a bracketed IPv6 literal) is refused
 * before anything is resolved: a metadata server name, or a literal outside the policy. A name
 * that passes is checked again, address by address, when it is resolved (`guardedLookup`).
 */
export function refusedTargetReason(host: string, options: OutboundAddressOptions): string | undefined {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return refusedHostnameReason(bare) ?? (isIP(bare) ? refusedAddressReason(bare, options) : undefined);
}

/** Why a host name is refused before it is resolved, or undefined. */
export function refusedHostnameReason(hostname: string): string | undefined {
  return metadataHostnames.has(hostname.toLowerCase()) ? `${hostname} is the cloud metadata server` : undefined;
}

/**
 * `::a.b.c.d` (::/96 but `::` and `::1`): the deprecated IPv4-compatible form, which ipaddr.js
 * calls unicast although it only ever carries an IPv4 address (169.254.169.254 as `::a9fe:a9fe`).
 */
function isIpv4Compatible(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (address.kind() !== 'ipv6') return false;
  const parts = (address as ipaddr.IPv6).parts;
  return parts.slice(0, 6).every((part) => part === 0) && (parts[6] !== 0 || parts[7]! > 1);
}

function describeRange(range: string): string {
  const names: Record<string, string> = {
    linkLocal: 'link-local (metadata server range)',
    uniqueLocal: 'unique-local (private)',
    private: 'private',
    loopback: 'loopback',
    carrierGradeNat: 'carrier-grade NAT (private)',
    unspecified: 'unspecified',
    ipv4Compatible: 'IPv4-compatible (deprecated, carries an IPv4 address)',
  };
  return names[range] ?? `non-public (${range})`;
}
