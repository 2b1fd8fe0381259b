import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Whether any candidate signature equals the HMAC-SHA256 of the signed content under any key.
 * Every comparison is constant-time (lengths are compared first: a digest's length is public), so
 * the time taken tells a caller nothing about how close a forged signature came. The content is
 * hashed as the bytes given, never decoded to text, so two bodies that differ only in bytes that
 * are not valid UTF-8 never share a signature.
 */
export function signedByAnySecret(keys: readonly Uint8Array[], signedContent: readonly Uint8Array[], candidates: readonly Uint8Array[]): boolean {
  return keys.some((key) => {
    const hmac = createHmac('sha256', key);
    for (const part of signedContent) hmac.update(part);
    const expected = hmac.digest();
    return candidates.some((candidate) => candidate.byteLength === expected.byteLength && timingSafeEqual(candidate, expected));
  });
}
