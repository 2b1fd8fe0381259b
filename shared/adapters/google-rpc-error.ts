import { PermanentDependencyError, TransientError } from '../domain/errors.ts';

// gRPC status codes (google.rpc.Code); numbers, because they are the wire contract.
export const grpcStatus = { notFound: 5, alreadyExists: 6, failedPrecondition: 9 } as const;
const transientCodes: ReadonlyMap<number, string> = new Map([
  [4, 'DEADLINE_EXCEEDED'],
  [8, 'RESOURCE_EXHAUSTED'],
  [13, 'INTERNAL'],
  [14, 'UNAVAILABLE'],
]);
// The request, the resource or our identity is wrong: sending it again cannot succeed.
const permanentCodes: ReadonlyMap<number, string> = new Map([
  [3, 'INVALID_ARGUMENT'],
  [5, 'NOT_FOUND'],
  [7, 'PERMISSION_DENIED'],
  [9, 'FAILED_PRECONDITION'],
  [11, 'OUT_OF_RANGE'],
  [12, 'UNIMPLEMENTED'],
  [16, 'UNAUTHENTICATED'],
]);

export function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * What a failed call to a Google API should throw, keeping the error as `cause` and its status in
 * the message: a TransientError for the codes that may succeed on retry (so the message is
 * redelivered); a PermanentDependencyError (`refusedCode`, not retryable) for the codes that say
 * the request, the resource or our permissions are wrong. Anything else (another code, an error
 * without a gRPC code) is returned unchanged, which the edge treats as retryable.
 */
export function fromGoogleRpcError(error: unknown, call: { service: string; method: string; unavailableCode: string; refusedCode: string }): unknown {
  const code = grpcCode(error) ?? -1;
  const detail = error instanceof Error ? error.message : String(error);
  const transient = transientCodes.get(code);
  if (transient !== undefined) return new TransientError(`${call.service} ${call.method} failed (${transient}): ${detail}`, { code: call.unavailableCode, cause: error });
  const permanent = permanentCodes.get(code);
  if (permanent !== undefined) return new PermanentDependencyError(call.refusedCode, `${call.service} refused ${call.method} (${permanent}): ${detail}`, { cause: error });
  return error;
}
