import { checkDeliveryId } from './delivery-id.ts';
import { keysForDelivery, utf8Secret } from './decode-secrets.ts';
import { readHeader, readHeaders } from './read-header.ts';
import { signedByAnySecret } from './signed-by-any-secret.ts';
import { isRefusal, refuse, type WebhookDelivery, type WebhookRefused, type WebhookVerification } from './webhook-verification.ts';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw body under the secret's
 * UTF-8 bytes. GitHub sends one signature under one secret, so a rotation is the trigger accepting
 * the old and the new secret for a while. The legacy SHA-1 `X-Hub-Signature` is never accepted.
 *
 * GitHub signs no timestamp, so nothing here limits how late a signed delivery may be replayed:
 * replay protection is the trigger endpoint's deduplication by `X-GitHub-Delivery`. That header and
 * `X-GitHub-Event` are outside the signature, so they are trusted only as far as the body is: a
 * holder of one signed body could resend it under a fresh delivery id (see docs/architecture.md,
 * "Webhook verification").
 */
export function verifyGithubWebhook(delivery: WebhookDelivery): WebhookVerification {
  const keys = keysForDelivery(delivery, utf8Secret);
  if (isRefusal(keys)) return keys;

  const headers = readHeaders(delivery.headers, ['X-Hub-Signature-256', 'X-GitHub-Delivery', 'X-GitHub-Event']);
  if (isRefusal(headers)) return explainLegacySignature(headers, delivery);
  const { 'X-Hub-Signature-256': signatureHeader, 'X-GitHub-Delivery': deliveryHeader, 'X-GitHub-Event': eventType } = headers;

  const candidate = parseGithubSignature(signatureHeader);
  if (!(candidate instanceof Uint8Array)) return candidate;
  const deliveryId = checkDeliveryId(deliveryHeader, 'The X-GitHub-Delivery header', 'MALFORMED_HEADER');
  if (typeof deliveryId !== 'string') return deliveryId;
  // GitHub's event names are lower-case words joined by underscores (`push`, `pull_request`).
  if (!/^[a-z][a-z0-9_]{0,99}$/.test(eventType)) return refuse('MALFORMED_HEADER', 'The X-GitHub-Event header is not an event name.');

  if (!signedByAnySecret(keys, [delivery.body], [candidate])) {
    return refuse('BAD_SIGNATURE', 'X-Hub-Signature-256 does not match the body under any active secret.');
  }
  return { ok: true, deliveryId, eventType };
}

/** Says why a delivery signed only with the SHA-1 header is refused, rather than just "missing". */
function explainLegacySignature(refusal: WebhookRefused, delivery: WebhookDelivery): WebhookRefused {
  const sha256Missing = refusal.reason === 'MISSING_HEADER' && typeof readHeader(delivery.headers, 'X-Hub-Signature-256') !== 'string';
  if (!sha256Missing || typeof readHeader(delivery.headers, 'X-Hub-Signature') !== 'string') return refusal;
  return refuse('MISSING_HEADER', 'The X-Hub-Signature-256 header is missing; the SHA-1 X-Hub-Signature alone is not accepted.');
}

/** The 32-byte digest of `sha256=<64 hex digits>`. */
function parseGithubSignature(header: string): Uint8Array | WebhookRefused {
  const equals = header.indexOf('=');
  if (equals <= 0) return refuse('MALFORMED_HEADER', 'The X-Hub-Signature-256 header is not "sha256=<hex digest>".');
  if (header.slice(0, equals) !== 'sha256') {
    return refuse('UNSUPPORTED_SIGNATURE_VERSION', 'The X-Hub-Signature-256 header names another algorithm than sha256.');
  }
  const hex = header.slice(equals + 1);
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return refuse('MALFORMED_HEADER', 'The X-Hub-Signature-256 digest is not 64 hexadecimal digits.');
  return Buffer.from(hex, 'hex');
}
