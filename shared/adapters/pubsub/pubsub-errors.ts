import { TransientError } from '../../domain/errors.ts';

/**
 * A failed publish is always worth retrying from the step's point of view: the transition is
 * committed and its redelivery re-publishes the outbox. So every publish error becomes a
 * TransientError (the message is redelivered), keeping the original as `cause`.
 */
export function fromPubSubError(error: unknown): TransientError {
  const message = error instanceof Error ? error.message : String(error);
  return new TransientError(`Pub/Sub publish failed: ${message}`, { code: 'PUBSUB_UNAVAILABLE', cause: error });
}
