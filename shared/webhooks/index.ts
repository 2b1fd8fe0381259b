export { TIMESTAMP_TOLERANCE_SECONDS } from './check-timestamp.ts';
export { deliveryIdSchema } from './delivery-id.ts';
export { verifyGithubWebhook } from './verify-github-webhook.ts';
export { verifyStandardWebhook } from './verify-standard-webhook.ts';
export { verifyStripeWebhook } from './verify-stripe-webhook.ts';
export { webhookRefusalToError } from './webhook-refusal-error.ts';
export {
  DEFAULT_MAX_BODY_BYTES,
  webhookRefusalReasonSchema,
  type WebhookDelivery,
  type WebhookHeaders,
  type WebhookRefusalReason,
  type WebhookRefused,
  type WebhookVerification,
  type WebhookVerified,
  type WebhookVerifier,
} from './webhook-verification.ts';
export { webhookSchemeSchema, webhookVerifiers, type WebhookScheme } from './webhook-verifiers.ts';
