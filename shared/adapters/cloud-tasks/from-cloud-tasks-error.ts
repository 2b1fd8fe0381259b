import { TransientError } from '../../domain/errors.ts';

// gRPC status codes (google.rpc.Code); numbers, because they are the wire contract.
const alreadyExists = 6;
const transientCodes: ReadonlyMap<number, string> = new Map([
  [4, 'DEADLINE_EXCEEDED'],
  [8, 'RESOURCE_EXHAUSTED'],
  [13, 'INTERNAL'],
  [14, 'UNAVAILABLE'],
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
 * What a failed CreateTask should throw: a TransientError (cause kept) for the codes that may
 * succeed on retry, so the step's delivery is retried; any other error unchanged, so its type
 * and details reach the edge that decides.
 */
export function fromCloudTasksError(error: unknown): unknown {
  const codeName = transientCodes.get(grpcCode(error) ?? -1);
  if (codeName === undefined) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new TransientError(`Cloud Tasks createTask failed (${codeName}): ${detail}`, {
    code: 'CLOUD_TASKS_UNAVAILABLE',
    cause: error,
  });
}
