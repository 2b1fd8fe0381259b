import { TransientError } from '../../domain/errors.ts';
import { AlreadyExistsError } from '../../ports/run-store.ts';

/** gRPC status codes Firestore reports that may succeed on a later attempt. */
const transientCodes = new Set([
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED
  10, // ABORTED (contention)
  13, // INTERNAL
  14, // UNAVAILABLE
]);
const alreadyExists = 6;

/**
 * Maps a Firestore client error to ours, keeping it as `cause`: contention and unavailability
 * become TransientError (redeliver), create-once conflicts become AlreadyExistsError; anything
 * else is returned unchanged.
 */
export function fromFirestoreError(error: unknown, path?: string): unknown {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'number') return error;
  if (code === alreadyExists) {
    const mapped = new AlreadyExistsError(path ?? 'document');
    mapped.cause = error;
    return mapped;
  }
  if (transientCodes.has(code)) {
    return new TransientError(`Firestore: ${(error as Error).message}`, { code: 'FIRESTORE_UNAVAILABLE', cause: error });
  }
  return error;
}
