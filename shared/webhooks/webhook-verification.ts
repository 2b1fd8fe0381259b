import { z } from 'zod';

/**
 * Why a delivery was refused, as a stable code: the trigger endpoint records it (as a rejection's
 * `code`) where the trigger's owner can list refusals by reason, so a code is never renamed.
 */
export const webhookRefusalReasonSchema = z.enum([
  /** The body is larger than the verifier's limit; nothing was computed. */
  'OVERSIZED_BODY',
  /** The trigger has no active secret: a configuration problem of the trigger, not the sender. */
  'NO_ACTIVE_SECRET',
  /** An active secret is not of the scheme's form (never trimmed or repaired; see the docs). */
  'MALFORMED_SECRET',
  /** A header the scheme requires is absent or empty. */
  'MISSING_HEADER',
  /** A header is present but not of the scheme's form (or appears more than once). */
  'MALFORMED_HEADER',
  /** Every signature in the header is of a version or algorithm this verifier does not know. */
  'UNSUPPORTED_SIGNATURE_VERSION',
  /** No signature matches the raw body under any active secret. */
  'BAD_SIGNATURE',
  /** Signed, but signed longer ago than the tolerance: a late delivery or a replay. */
  'STALE_TIMESTAMP',
  /** Signed with a timestamp further ahead than the tolerance: a skewed clock or a pre-signed replay. */
  'FUTURE_TIMESTAMP',
  /** Authentic, but the body lacks what the scheme keeps there (Stripe's event id). */
  'MALFORMED_BODY',
]);
export type WebhookRefusalReason = z.infer<typeof webhookRefusalReasonSchema>;

/** An authentic delivery. */
export interface WebhookVerified {
  ok: true;
  /** The sender's id of this delivery, the same on every redelivery: the key to deduplicate by. */
  deliveryId: string;
  /** The event type, when the scheme carries one outside the payload's own fields. */
  eventType?: string;
  /** When the sender signed the delivery, in epoch milliseconds, for schemes that sign a time. */
  timestamp?: number;
}

/** A refused delivery: `reason` for programs, `message` for the trigger's owner (never a secret). */
export interface WebhookRefused {
  ok: false;
  reason: WebhookRefusalReason;
  message: string;
}

export type WebhookVerification = WebhookVerified | WebhookRefused;

/** Header values as an HTTP server hands them over; names are matched case-insensitively. */
export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface WebhookDelivery {
  /** The body exactly as received: signatures cover bytes, not the JSON they encode. */
  body: Uint8Array;
  headers: WebhookHeaders;
  /** Every secret currently accepted for this trigger; more than one while a secret is rotated. */
  secrets: readonly string[];
  /** Now, in epoch milliseconds (a dependency, so tests freeze the clock). */
  now: number;
  /** Bodies larger than this are refused before anything is computed; default 1 MiB. */
  maxBodyBytes?: number;
}

/** Verifies one delivery under one scheme. Pure, and never throws for any input. */
export type WebhookVerifier = (delivery: WebhookDelivery) => WebhookVerification;

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export function refuse(reason: WebhookRefusalReason, message: string): WebhookRefused {
  return { ok: false, reason, message };
}

/** Refuses a body over the limit, before any hashing or parsing spends time on it. */
export function checkBodySize(delivery: WebhookDelivery): WebhookRefused | undefined {
  const limit = delivery.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (delivery.body.byteLength <= limit) return undefined;
  return refuse('OVERSIZED_BODY', `The body has ${delivery.body.byteLength} bytes, more than the limit of ${limit}.`);
}

export function isRefusal(value: unknown): value is WebhookRefused {
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;
}
