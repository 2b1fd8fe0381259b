import { FailedPreconditionError, InvalidInputError, UnauthenticatedError, type AgentlineError } from '../domain/errors.ts';
import type { WebhookRefusalReason, WebhookRefused } from './webhook-verification.ts';

/**
 * Who must act on each refusal: the trigger's owner for its secrets, the sender for a body it
 * should not have sent, and for everything else the delivery is simply not proven to come from
 * the sender. Exhaustive, so a new reason cannot be added without deciding this.
 */
const errorKinds: Record<WebhookRefusalReason, 'owner' | 'input' | 'unproven'> = {
  NO_ACTIVE_SECRET: 'owner',
  MALFORMED_SECRET: 'owner',
  OVERSIZED_BODY: 'input',
  MALFORMED_BODY: 'input',
  MISSING_HEADER: 'unproven',
  MALFORMED_HEADER: 'unproven',
  UNSUPPORTED_SIGNATURE_VERSION: 'unproven',
  BAD_SIGNATURE: 'unproven',
  STALE_TIMESTAMP: 'unproven',
  FUTURE_TIMESTAMP: 'unproven',
};

/** The project's error for a refusal, with the reason as its code and in its metadata. Never retryable. */
export function webhookRefusalToError(refusal: WebhookRefused): AgentlineError {
  const options = { code: refusal.reason, metadata: { reason: refusal.reason } };
  switch (errorKinds[refusal.reason]) {
    case 'owner':
      return new FailedPreconditionError(refusal.message, options);
    case 'input':
      return new InvalidInputError(refusal.message, options);
    case 'unproven':
      return new UnauthenticatedError(refusal.message, options);
  }
}
