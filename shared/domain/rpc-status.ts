import {
  AbortedError,
  AgentlineError,
  FailedPreconditionError,
  InvalidInputError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  ResourceExhaustedError,
  ResourceExistsError,
  TransientError,
  UnauthenticatedError,
} from './errors.ts';

/** google.rpc.Code names with their numbers and the HTTP status AIP-193 maps them to. */
const rpcCodes = {
  INVALID_ARGUMENT: { code: 3, http: 400 },
  NOT_FOUND: { code: 5, http: 404 },
  ALREADY_EXISTS: { code: 6, http: 409 },
  PERMISSION_DENIED: { code: 7, http: 403 },
  RESOURCE_EXHAUSTED: { code: 8, http: 429 },
  FAILED_PRECONDITION: { code: 9, http: 400 },
  ABORTED: { code: 10, http: 409 },
  UNIMPLEMENTED: { code: 12, http: 501 },
  INTERNAL: { code: 13, http: 500 },
  UNAVAILABLE: { code: 14, http: 503 },
  UNAUTHENTICATED: { code: 16, http: 401 },
} as const;
export type RpcCodeName = keyof typeof rpcCodes;

const errorInfoType = 'type.googleapis.com/google.rpc.ErrorInfo';
const errorDomain = 'agentline.dev';

/** A google.rpc.Status as JSON, plus the HTTP status it travels with. */
export interface RpcStatus {
  httpStatus: number;
  status: RpcCodeName;
  code: number;
  message: string;
  details: { '@type': string; reason: string; domain: string; metadata: Record<string, string> }[];
}

/**
 * The one mapping from our error hierarchy to google.rpc.Status (AIP-193). The class decides the
 * code; `error.code` becomes ErrorInfo's reason. Errors we did not raise on purpose become INTERNAL
 * with a generic message, so internals never leak to callers.
 */
export function toRpcStatus(error: unknown): RpcStatus {
  const name = codeNameOf(error);
  const known = error instanceof AgentlineError && name !== 'INTERNAL';
  const message = known ? error.message : 'Internal error; the details were logged';
  const reason = known ? error.code.toUpperCase().replace(/[^A-Z0-9_]/g, '_') : 'INTERNAL';
  return {
    // Two refusals travel with an HTTP status of their own; their code stays a google.rpc.Code.
    httpStatus: error instanceof PayloadTooLargeError || error instanceof MethodNotAllowedError ? error.httpStatus : rpcCodes[name].http,
    status: name,
    code: rpcCodes[name].code,
    message,
    details: [{ '@type': errorInfoType, reason, domain: errorDomain, metadata: known ? { ...error.metadata } : {} }],
  };
}

/** The google.rpc.Status a long-running operation's `error` carries: numeric code, no HTTP status. */
export function toOperationError(error: unknown): Pick<RpcStatus, 'code' | 'message' | 'details'> {
  const { code, message, details } = toRpcStatus(error);
  return { code, message, details };
}

function codeNameOf(error: unknown): RpcCodeName {
  if (error instanceof UnauthenticatedError) return 'UNAUTHENTICATED';
  if (error instanceof PermissionDeniedError) return 'PERMISSION_DENIED';
  if (error instanceof InvalidInputError) return 'INVALID_ARGUMENT';
  if (error instanceof NotFoundError) return 'NOT_FOUND';
  if (error instanceof ResourceExistsError) return 'ALREADY_EXISTS';
  if (error instanceof ResourceExhaustedError) return 'RESOURCE_EXHAUSTED';
  if (error instanceof FailedPreconditionError) return 'FAILED_PRECONDITION';
  if (error instanceof AbortedError) return 'ABORTED';
  if (error instanceof TransientError) return 'UNAVAILABLE';
  if (error instanceof MethodNotAllowedError) return 'UNIMPLEMENTED';
  return 'INTERNAL';
}

/** `{"error": {...}}`, Google's JSON error body. */
export function toErrorBody(status: RpcStatus): { error: Omit<RpcStatus, 'httpStatus'> & { code: number } } {
  return { error: { code: status.httpStatus, message: status.message, status: status.status, details: status.details } };
}
