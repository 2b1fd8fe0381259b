import { describe, expect, it } from 'vitest';
import { FailedPreconditionError, InvalidInputError, UnauthenticatedError } from '../domain/errors.ts';
import { webhookRefusalToError } from './webhook-refusal-error.ts';
import { refuse, webhookRefusalReasonSchema, type WebhookRefusalReason } from './webhook-verification.ts';

describe('webhookRefusalToError', () => {
  it.each<[WebhookRefusalReason, new (...args: never[]) => Error]>([
    ['NO_ACTIVE_SECRET', FailedPreconditionError],
    ['MALFORMED_SECRET', FailedPreconditionError],
    ['OVERSIZED_BODY', InvalidInputError],
    ['MALFORMED_BODY', InvalidInputError],
    ['MISSING_HEADER', UnauthenticatedError],
    ['MALFORMED_HEADER', UnauthenticatedError],
    ['UNSUPPORTED_SIGNATURE_VERSION', UnauthenticatedError],
    ['BAD_SIGNATURE', UnauthenticatedError],
    ['STALE_TIMESTAMP', UnauthenticatedError],
    ['FUTURE_TIMESTAMP', UnauthenticatedError],
  ])('makes %s a %o that keeps the reason as its code, never retryable', (reason, errorClass) => {
    const error = webhookRefusalToError(refuse(reason, 'what went wrong'));
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toMatchObject({ code: reason, message: 'what went wrong', metadata: { reason }, retryable: false });
  });

  it('covers every refusal reason', () => {
    for (const reason of webhookRefusalReasonSchema.options) {
      expect(webhookRefusalToError(refuse(reason, 'x')).code).toBe(reason);
    }
  });
});
