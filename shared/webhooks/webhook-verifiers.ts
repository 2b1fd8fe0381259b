import { z } from 'zod';
import { verifyGithubWebhook } from './verify-github-webhook.ts';
import { verifyStandardWebhook } from './verify-standard-webhook.ts';
import { verifyStripeWebhook } from './verify-stripe-webhook.ts';
import type { WebhookVerifier } from './webhook-verification.ts';

/** The signature schemes a webhook trigger may name. */
export const webhookSchemeSchema = z.enum(['standard-webhooks', 'github', 'stripe']);
export type WebhookScheme = z.infer<typeof webhookSchemeSchema>;

/** The verifier of each scheme. */
export const webhookVerifiers: Readonly<Record<WebhookScheme, WebhookVerifier>> = {
  'standard-webhooks': verifyStandardWebhook,
  github: verifyGithubWebhook,
  stripe: verifyStripeWebhook,
};
