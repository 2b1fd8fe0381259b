import { fromGoogleRpcError, grpcCode, grpcStatus } from '../google-rpc-error.ts';

/**
 * True when CreateTask failed because a task with that name exists: the same key was scheduled
 * before, which for an idempotent schedule is success.
 */
export function isTaskAlreadyScheduled(error: unknown): boolean {
  return grpcCode(error) === grpcStatus.alreadyExists;
}

/**
 * What a failed CreateTask should throw, keeping the error as `cause` and its status in the
 * message: a TransientError for the codes that may succeed on retry, so the step's delivery is
 * retried; a PermanentDependencyError (not retryable) for the codes that say the request, the
 * queue or our permissions are wrong. Anything else (another code, an error without a gRPC code)
 * is returned unchanged, which the edge treats as retryable.
 */
export function fromCloudTasksError(error: unknown): unknown {
  return fromGoogleRpcError(error, { service: 'Cloud Tasks', method: 'createTask', unavailableCode: 'CLOUD_TASKS_UNAVAILABLE', refusedCode: 'CLOUD_TASKS_REFUSED' });
}
