import { checkTimestampWindow, parseUnixSeconds } from './check-timestamp.ts';
import { checkDeliveryId } from './delivery-id.ts';
import { keysForDelivery, type SecretDecoding } from './decode-secrets.ts';
import { readHeaders } from './read-header.ts';
import { signedByAnySecret } from './signed-by-any-secret.ts';
import { isRefusal, refuse, type WebhookDelivery, type WebhookRefused, type WebhookVerification } from './webhook-verification.ts';

/**
 * Standard Webhooks (symmetric, `v1`): HMAC-SHA256 of `${webhook-id}.${webhook-timestamp}.${body}`,
 * base64, sent as space-separated `v1,<signature>` entries so a sender can sign with an old and a new
 * secret while one is rotated. Any `v1` entry matching any active secret passes; entries of other
 * versions (such as the asymmetric `v1a`) are ignored, and a header with only those is refused.
 * The timestamp must be within five minutes either way; the id, signed with the body, is the
 * delivery id. Spec: standard-webhooks/standard-webhooks, spec/standard-webhooks.md.
 */
export function verifyStandardWebhook(delivery: WebhookDelivery): WebhookVerification {
  const keys = keysForDelivery(delivery, decodeStandardSecret);
  if (isRefusal(keys)) return keys;

  const headers = readHeaders(delivery.headers, ['webhook-id', 'webhook-timestamp', 'webhook-signature']);
  if (isRefusal(headers)) return headers;
  const { 'webhook-id': id, 'webhook-timestamp': timestampText, 'webhook-signature': signatureHeader } = headers;

  const deliveryId = checkStandardId(id);
  if (typeof deliveryId !== 'string') return deliveryId;
  const signedAt = parseUnixSeconds(timestampText, 'The webhook-timestamp header');
  if (typeof signedAt !== 'number') return signedAt;
  const candidates = parseStandardSignatures(signatureHeader);
  if (!Array.isArray(candidates)) return candidates;

  const signedPrefix = Buffer.from(`${id}.${timestampText}.`, 'utf8');
  if (!signedByAnySecret(keys, [signedPrefix, delivery.body], candidates)) {
    return refuse('BAD_SIGNATURE', 'No v1 signature in webhook-signature matches the body, id and timestamp under any active secret.');
  }
  // Checked after the signature, so STALE and FUTURE always describe a delivery that was authentic.
  const outsideWindow = checkTimestampWindow(signedAt, delivery.now);
  if (outsideWindow) return outsideWindow;
  return { ok: true, deliveryId, timestamp: signedAt * 1000 };
}

/** `whsec_` then canonical base64 of 24 to 64 random bytes, as the spec serialises secrets. */
function decodeStandardSecret(secret: string): SecretDecoding {
  const prefix = 'whsec_';
  if (!secret.startsWith(prefix)) return { problem: 'does not start with whsec_' };
  const base64 = secret.slice(prefix.length);
  const key = Buffer.from(base64, 'base64');
  // Node's decoder skips characters it does not know; re-encoding catches what it skipped.
  if (key.toString('base64') !== base64) return { problem: 'is not whsec_ followed by base64' };
  if (key.byteLength < 24 || key.byteLength > 64) return { problem: `is ${key.byteLength} bytes; Standard Webhooks secrets are 24 to 64` };
  return { key };
}

/** The spec forbids `.` in ids: the signed content is split on dots, so a dot would let an id absorb part of the timestamp. */
function checkStandardId(id: string): string | WebhookRefused {
  if (id.includes('.')) return refuse('MALFORMED_HEADER', 'The webhook-id header contains a "."; Standard Webhooks ids may not.');
  return checkDeliveryId(id, 'The webhook-id header', 'MALFORMED_HEADER');
}

/** The decoded `v1` signatures; UNSUPPORTED_SIGNATURE_VERSION when there are only other versions. */
function parseStandardSignatures(header: string): Uint8Array[] | WebhookRefused {
  const entries = header.split(' ').filter((entry) => entry !== '');
  const candidates: Uint8Array[] = [];
  for (const [index, entry] of entries.entries()) {
    const comma = entry.indexOf(',');
    if (comma <= 0) return refuse('MALFORMED_HEADER', `Entry ${index + 1} of webhook-signature is not "<version>,<signature>".`);
    const version = entry.slice(0, comma);
    if (version !== 'v1') continue;
    const signature = entry.slice(comma + 1);
    // A v1 signature is the base64 of a 32-byte HMAC-SHA256: 43 characters and one "=".
    if (!/^[A-Za-z0-9+/]{43}=$/.test(signature)) {
      return refuse('MALFORMED_HEADER', `Entry ${index + 1} of webhook-signature is not a base64 HMAC-SHA256 signature.`);
    }
    candidates.push(Buffer.from(signature, 'base64'));
  }
  if (candidates.length === 0) {
    // The versions are not quoted: they are the sender's text, and this message is shown to the owner.
    return refuse('UNSUPPORTED_SIGNATURE_VERSION', `webhook-signature has ${entries.length} signature(s), none of version v1.`);
  }
  return candidates;
}
