import { AgentlineError, isRetryable } from '../domain/errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { RunStore } from '../ports/run-store.ts';
import type { Delivery } from './delivery.ts';

export type DeliveryHandler = (delivery: Delivery) => Promise<void>;

const previewBytes = 2_048;

/** Attributes that carry credentials (a submission's bearer token) are kept out of rejection records. */
const credentialAttributes = new Set(['authorization']);

function withoutCredentials(attributes: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, credentialAttributes.has(name.toLowerCase()) ? '[redacted]' : value]));
}

/**
 * The one place per edge where an error decides delivery. Retryable errors (and bugs, which may
 * be transient) propagate, so Pub/Sub redelivers and, in the end, dead-letters. Permanent ones
 * are recorded as a rejection a user can find, and the message is acknowledged.
 */
export function settleDelivery(handler: DeliveryHandler, deps: { store: RunStore; logger: Logger; clock: Clock }): DeliveryHandler {
  return async (delivery) => {
    try {
      await handler(delivery);
    } catch (error) {
      if (isRetryable(error)) {
        deps.logger.warn('delivery failed, will be redelivered', {
          source: delivery.source,
          messageId: delivery.messageId,
          error: error instanceof Error ? error.message : String(error),
          code: error instanceof AgentlineError ? error.code : 'INTERNAL',
        });
        throw error;
      }
      const agentlineError = error as AgentlineError;
      await deps.store.recordRejection({
        schemaVersion: 1,
        id: delivery.messageId,
        source: delivery.source,
        code: agentlineError.code,
        message: agentlineError.message,
        payloadPreview: delivery.data.subarray(0, previewBytes).toString('utf8'),
        payloadBytes: delivery.data.length,
        attributes: withoutCredentials(delivery.attributes),
        createTime: deps.clock.now(),
      });
      deps.logger.error('message rejected', {
        source: delivery.source,
        messageId: delivery.messageId,
        code: agentlineError.code,
        error: agentlineError.message,
      });
    }
  };
}
