import { z } from 'zod';
import { refuse, type WebhookRefusalReason, type WebhookRefused } from './webhook-verification.ts';

/**
 * A sender's delivery id, the key the trigger endpoint deduplicates by: visible ASCII without
 * spaces, at most 256 characters (Standard Webhooks `msg_…`, GitHub GUIDs and Stripe `evt_…` ids
 * all fit), so it can be stored and logged without escaping.
 */
export const deliveryIdSchema = z.string().regex(/^[\x21-\x7e]{1,256}$/);

/** The id, or a refusal naming where it came from. */
export function checkDeliveryId(id: unknown, source: string, reason: WebhookRefusalReason): string | WebhookRefused {
  const parsed = deliveryIdSchema.safeParse(id);
  if (parsed.success) return parsed.data;
  return refuse(reason, `${source} is not a delivery id (1 to 256 visible ASCII characters, no spaces).`);
}
