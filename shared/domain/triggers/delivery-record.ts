import { z } from 'zod';
import { webhookRefusalReasonSchema, type WebhookHeaders } from '../../webhooks/index.ts';
import { toRfc3339 } from '../run-view.ts';

/**
 * Why a delivery started no run: every verifier reason, plus what the trigger decides about an
 * authentic delivery. Stable codes: the trigger's owner lists deliveries by them.
 */
export const deliveryRefusalReasonSchema = z.enum([
  ...webhookRefusalReasonSchema.options,
  /** A secret version the trigger names could not be read: the owner's configuration. */
  'SECRET_NOT_FOUND',
  /** Authentic, but its event type or action is not one the trigger's filter admits. */
  'FILTERED_OUT',
  /** Authentic, but the payload lacks a path the input (or session) template reads. */
  'TEMPLATE_PATH_MISSING',
  /** The rendered input is empty or larger than a run's input may be. */
  'INVALID_INPUT',
  /** The rendered session id is not a session id. */
  'INVALID_SESSION_ID',
]);
export type DeliveryRefusalReason = z.infer<typeof deliveryRefusalReasonSchema>;

/** A refusal: the reason for programs and a message for the trigger's owner (never a secret). */
export interface DeliveryRefusal {
  reason: DeliveryRefusalReason;
  message: string;
  /** The sender's delivery id, once the delivery is proven authentic. */
  deliveryId?: string;
}

/**
 * One delivery to a trigger, stored under it (`…/triggers/{id}/deliveries/{deliveryRecordId}`):
 * an ACCEPTED one is the create-once record of its delivery id (the dedup key) and names its run;
 * a REFUSED one says why. Both expire with the retention of run data.
 */
export const deliveryRecordSchema = z.object({
  schemaVersion: z.literal(1),
  id: z.string(),
  trigger: z.string(),
  outcome: z.enum(['ACCEPTED', 'REFUSED']),
  deliveryId: z.string().optional(),
  eventType: z.string().optional(),
  reason: deliveryRefusalReasonSchema.optional(),
  message: z.string().optional(),
  runName: z.string().optional(),
  /** The request's headers, signature and credential headers redacted. */
  headers: z.record(z.string(), z.string()),
  bodyPreview: z.string(),
  bodyBytes: z.number().int().nonnegative(),
  createTime: z.number(),
});
export type DeliveryRecord = z.infer<typeof deliveryRecordSchema>;

/** Headers whose value proves or grants something: recorded as `[redacted]`. */
const redactedHeaders = new Set(['authorization', 'cookie', 'proxy-authorization', 'x-hub-signature', 'x-hub-signature-256', 'webhook-signature', 'svix-signature', 'stripe-signature']);
const previewBytes = 2048;
const maxHeaders = 50;
const maxHeaderValue = 512;

/** What a delivery record keeps of a request: redacted, bounded headers and the body's first bytes. */
export function requestSummary(headers: WebhookHeaders, body: Uint8Array): Pick<DeliveryRecord, 'headers' | 'bodyPreview' | 'bodyBytes'> {
  const kept = Object.entries(headers)
    .filter((entry): entry is [string, string | readonly string[]] => entry[1] !== undefined)
    .slice(0, maxHeaders)
    .map(([name, value]) => {
      const lower = name.toLowerCase();
      const text = typeof value === 'string' ? value : value.join(', ');
      return [lower, redactedHeaders.has(lower) ? '[redacted]' : text.slice(0, maxHeaderValue)] as const;
    });
  // A lossy decode is fine for a preview: it is shown, never parsed or verified.
  return { headers: Object.fromEntries(kept), bodyPreview: Buffer.from(body.subarray(0, previewBytes)).toString('utf8'), bodyBytes: body.byteLength };
}

/** A delivery as `listDeliveries` returns it. */
export function toDeliveryJson(record: DeliveryRecord): Record<string, unknown> {
  const { schemaVersion: _version, id, trigger, createTime, ...rest } = record;
  return { name: `${trigger}/deliveries/${id}`, ...rest, createTime: toRfc3339(createTime) };
}
