import { createHmac } from 'node:crypto';

/** What a Standard Webhooks sender signs: the delivery's id, its time and the exact body bytes. */
export interface StandardWebhookMessage {
  /** `webhook-id`: the same on every attempt of one message, so receivers dedupe by it; no "." (the spec forbids it). */
  id: string;
  /** `webhook-timestamp`: when this attempt was signed, in whole seconds since the epoch. */
  timestampSeconds: number;
  body: Uint8Array;
  /** `whsec_` + base64 of the key bytes, as verifyStandardWebhook reads secrets. */
  secret: string;
}

/**
 * Signs a message as Standard Webhooks (symmetric `v1`) senders do: the three headers, with the
 * base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` under the decoded secret — exactly what
 * verifyStandardWebhook accepts. Throws for a secret not of the `whsec_` form or an id with a ".".
 */
export function signStandardWebhook(message: StandardWebhookMessage): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  if (!message.secret.startsWith('whsec_')) throw new Error('A Standard Webhooks secret starts with whsec_');
  if (message.id.includes('.')) throw new Error('A Standard Webhooks id may not contain "."');
  const key = Buffer.from(message.secret.slice('whsec_'.length), 'base64');
  const timestamp = String(Math.floor(message.timestampSeconds));
  const signature = createHmac('sha256', key).update(`${message.id}.${timestamp}.`, 'utf8').update(message.body).digest('base64');
  return { 'webhook-id': message.id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
