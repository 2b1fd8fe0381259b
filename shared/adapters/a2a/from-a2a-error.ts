import { isJsonRpcError, isRestError } from '@a2a-js/sdk/errors';
import { AgentlineError, PermanentDependencyError, TransientError } from '../../domain/errors.ts';
import { isRetryableHttpStatus } from '../http/retryable-http-status.ts';

const jsonRpcInternalError = -32603;

/**
 * Sorts an A2A client failure by who must act. Our own errors (the guarded fetch's refusals,
 * timeouts and network failures) pass through. A JSON-RPC internal error and HTTP 408, 429 and
 * 5xx may succeed later; every other protocol error (invalid params, task not found, unsupported
 * operation, version not supported, a malformed answer) is permanent and keeps the remote's words.
 */
export function fromA2aError(error: unknown, url: string): AgentlineError {
  if (error instanceof AgentlineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isJsonRpcError(error)) {
    const what = `Remote agent at ${url} answered JSON-RPC error ${error.envelopeCode}: ${message}`;
    return error.envelopeCode === jsonRpcInternalError
      ? new TransientError(what, { cause: error })
      : new PermanentDependencyError('A2A_ERROR', what, { cause: error });
  }
  const status = isRestError(error) ? error.statusCode : httpStatusIn(message);
  const what = `Remote agent at ${url} failed: ${message}`;
  if (status !== undefined && isRetryableHttpStatus(status)) return new TransientError(what, { cause: error });
  return new PermanentDependencyError('A2A_ERROR', what, { cause: error });
}

/** The SDK reports a non-JSON HTTP failure as `HTTP error for <method>! Status: <n> ...`. */
function httpStatusIn(message: string): number | undefined {
  const match = /Status: (\d{3})\b/.exec(message);
  return match ? Number(match[1]) : undefined;
}
