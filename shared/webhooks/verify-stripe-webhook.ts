import { z } from 'zod';
import { checkTimestampWindow } from './check-timestamp.ts';
import { keysForDelivery, utf8Secret, type SecretDecoding } from './decode-secrets.ts';
import { deliveryIdSchema } from './delivery-id.ts';
import { parseStripeSignature } from './parse-stripe-signature.ts';
import { readHeaders } from './read-header.ts';
import { signedByAnySecret } from './signed-by-any-secret.ts';
import { isRefusal, refuse, type WebhookDelivery, type WebhookVerification } from './webhook-verification.ts';

/** The fields of a Stripe event the verifier needs; the rest of the payload is the filter's. */
const stripeEventEnvelopeSchema = z.object({ id: deliveryIdSchema, type: z.string().optional() });

/**
 * Stripe: `Stripe-Signature: t=<unix>,v1=<hex>…`, the hex HMAC-SHA256 of `${t}.${body}` under the
 * `whsec_…` secret's UTF-8 bytes. Any `v1` matching any active secret passes. `t` must be within
 * 300 s either way: Stripe's own SDK refuses only the past, but a signature dated in the future
 * would stay replayable for longer than the tolerance, so the future is bounded too.
 *
 * The delivery id is the event's `id`, which Stripe keeps in the body: the body is parsed only
 * after its signature verified, and an authentic body without a string `id` is MALFORMED_BODY.
 */
export function verifyStripeWebhook(delivery: WebhookDelivery): WebhookVerification {
  const keys = keysForDelivery(delivery, decodeStripeSecret);
  if (isRefusal(keys)) return keys;
  const headers = readHeaders(delivery.headers, ['Stripe-Signature']);
  if (isRefusal(headers)) return headers;
  const signature = parseStripeSignature(headers['Stripe-Signature']);
  if (isRefusal(signature)) return signature;

  const signedPrefix = Buffer.from(`${signature.signedAtText}.`, 'utf8');
  if (!signedByAnySecret(keys, [signedPrefix, delivery.body], signature.candidates)) {
    return refuse('BAD_SIGNATURE', 'No v1 signature in Stripe-Signature matches the body and timestamp under any active secret.');
  }
  const outsideWindow = checkTimestampWindow(signature.signedAtSeconds, delivery.now);
  if (outsideWindow) return outsideWindow;

  const envelope = stripeEventEnvelopeSchema.safeParse(parseJson(delivery.body));
  if (!envelope.success) return refuse('MALFORMED_BODY', 'The body is not a JSON Stripe event: an object with a string "id" (1 to 256 visible ASCII characters) and, if any, a string "type".');
  return { ok: true, deliveryId: envelope.data.id, eventType: envelope.data.type, timestamp: signature.signedAtSeconds * 1000 };
}

/**
 * `whsec_` then the rest, as the Stripe dashboard and CLI show signing secrets; the prefix catches
 * the common mistake of configuring the account's API key (`sk_…`, `rk_…`) instead.
 */
function decodeStripeSecret(secret: string): SecretDecoding {
  return secret.startsWith('whsec_') && secret.length > 'whsec_'.length ? utf8Secret(secret) : { problem: 'is not a Stripe signing secret (whsec_…)' };
}

/** The parsed JSON, or undefined when the bytes are not UTF-8 JSON (the schema then refuses it). */
function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return undefined;
  }
}
