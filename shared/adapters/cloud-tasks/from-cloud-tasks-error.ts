import { PermanentDependencyError, TransientError } from '../../domain/errors.ts';

// gRPC status codes (google.rpc.Code); numbers, because they are the wire contract.
const alreadyExists = 6;
const transientCodes: ReadonlyMap<number, string> = new Map([
  [4, 'DEADLINE_EXCEEDED'],
  [8, 'RESOURCE_EXHAUSTED'],
  [13, 'INTERNAL'],
  [14, 'UNAVAILABLE'],
]);
// The request, the queue or our identity is wrong: sending it again cannot succeed.
const permanentCodes: ReadonlyMap<number, string> = new Map([
  [3, 'INVALID_ARGUMENT'],
  [5, 'NOT_FOUND'],
  [7, 'PERMISSION_DENIED'],
  [9, 'FAILED_PRECONDITION'],
  [11, 'OUT_OF_RANGE'],
  [12, 'UNIMPLEMENTED'],
  [16, 'UNAUTHENTICATED'],
]);

function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * True when CreateTask failed because a task with that name exists: the same key was scheduled
 * before, which for an idempotent schedule is success.
 */
export function isTaskAlreadyScheduled(error: unknown): boolean {
  return grpcCode(error) === alreadyExists;
}

/**
 * What a failed CreateTask should throw, keeping the error as `cause` and its status in the
 * message: a TransientError for the codes that may succeed on retry, so the step's delivery is
 * retried; a PermanentDependencyError (not retryable) for the codes that say the request, the
 * queue or our permissions are wrong. Anything else (another code, an error without a gRPC code)
 * is returned unchanged, which the edge treats as retryable.
 */
export function fromCloudTasksError(error: unknown): unknown {
  const code = grpcCode(error) ?? -1;
  const detail = error instanceof Error ? error.message : String(error);
  const transient = transientCodes.get(code);
  if (transient !== undefined) {
    return new TransientError(`Cloud Tasks createTask failed (${transient}): ${detail}`, {
      code: 'CLOUD_TASKS_UNAVAILABLE',
      cause: error,
    });
  }
  const permanent = permanentCodes.get(code);
  if (permanent !== undefined) {
    return new PermanentDependencyError('CLOUD_TASKS_REFUSED', `Cloud Tasks refused createTask (${permanent}): ${detail}`, {
      cause: error,
    });
  }
  return error;
}
