import { checkBodySize, refuse, type WebhookDelivery, type WebhookRefused } from './webhook-verification.ts';

/** A secret turned into HMAC key bytes, or what is wrong with it (never quoting the secret). */
export type SecretDecoding = { key: Uint8Array } | { problem: string };

/**
 * The HMAC keys of every active secret, or the refusal for the first one that is unusable.
 *
 * A secret with leading or trailing whitespace (typically the newline of a file or an environment
 * variable) is refused as MALFORMED_SECRET and never trimmed: the sender signs with the exact
 * bytes, so the trimmed and untrimmed strings are different keys, and guessing which one was meant
 * would silently accept signatures under a key nobody configured. One unusable secret refuses every
 * delivery, even one another secret would verify: a broken configuration is reported at once, not
 * discovered when the good secret is rotated out.
 */
function decodeSecrets(secrets: readonly string[], decode: (secret: string) => SecretDecoding): Uint8Array[] | WebhookRefused {
  if (secrets.length === 0) return refuse('NO_ACTIVE_SECRET', 'The trigger has no active secret to verify deliveries with.');
  const keys: Uint8Array[] = [];
  for (const [index, secret] of secrets.entries()) {
    const decoding = secret.trim() !== secret ? { problem: 'has leading or trailing whitespace (secrets are never trimmed)' } : decode(secret);
    if ('problem' in decoding) {
      return refuse('MALFORMED_SECRET', `Active secret ${index + 1} of ${secrets.length} ${decoding.problem}.`);
    }
    keys.push(decoding.key);
  }
  return keys;
}

/** A secret used as its UTF-8 bytes (GitHub, Stripe), refused only when empty. */
export function utf8Secret(secret: string): SecretDecoding {
  return secret === '' ? { problem: 'is empty' } : { key: Buffer.from(secret, 'utf8') };
}

/**
 * What every verifier checks before reading a header: the body's size first, so an oversized body
 * costs nothing, then the keys of the active secrets.
 */
export function keysForDelivery(delivery: WebhookDelivery, decode: (secret: string) => SecretDecoding): Uint8Array[] | WebhookRefused {
  return checkBodySize(delivery) ?? decodeSecrets(delivery.secrets, decode);
}
