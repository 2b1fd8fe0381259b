import { AgentlineError, PermanentDependencyError, TransientError } from '../../domain/errors.ts';
import { isRetryableHttpStatus } from '../http/retryable-http-status.ts';

/** Google's JSON error body (`{ error: { code, message, status, details } }`). */
interface GoogleErrorBody {
  code?: number;
  message?: string;
  status?: string;
  details?: { '@type'?: string; retryDelay?: string }[];
}

// Used when the body carries no canonical status (e.g. a proxy's HTML page, whose `status` the SDK
// fills with the HTTP status text).
const canonicalCodeByHttpStatus: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const networkErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Maps anything `@google/genai` throws to our errors, keeping it as `cause`. HTTP 408, 429 and 5xx
 * and network failures become `TransientError` (with `retryDelayMs` from a `google.rpc.RetryInfo`
 * detail); other HTTP errors become `PermanentDependencyError` whose code is the body's status and
 * whose message is the API's own text. Errors that are already ours pass through unchanged; any
 * other error (the SDK refusing a request before sending it) is permanent: resending cannot help.
 */
export function fromGeminiError(error: unknown): AgentlineError {
  if (error instanceof AgentlineError) return error;
  if (isApiError(error)) return fromApiError(error);
  if (isNetworkError(error)) {
    const timedOut = error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
    // A request that timed out reached the model, which did not answer: say that, not "could not reach".
    if (timedOut) return new TransientError(`The model did not answer in time: ${describe(error)}`, { code: 'MODEL_TIMEOUT', cause: error });
    return new TransientError(`Could not reach the model: ${describe(error)}`, { code: 'UNAVAILABLE', cause: error });
  }
  return new PermanentDependencyError('MODEL_CLIENT_ERROR', describe(error), { cause: error });
}

/** Parses a protobuf JSON duration ("2s", "1.5s", "0.250s") into milliseconds. */
export function parseRetryDelay(duration: string | undefined): number | undefined {
  const match = duration?.trim().match(/^(\d+(?:\.\d+)?)s$/);
  return match?.[1] === undefined ? undefined : Math.round(Number(match[1]) * 1000);
}

function fromApiError(error: Error & { status: number }): AgentlineError {
  const body = parseErrorBody(error.message);
  const code = /^[A-Z_]+$/.test(body?.status ?? '')
    ? (body?.status as string)
    : (canonicalCodeByHttpStatus[error.status] ?? `HTTP_${error.status}`);
  const message = body?.message ?? error.message;
  if (isRetryableHttpStatus(error.status)) {
    const retryInfo = body?.details?.find((detail) => detail['@type']?.endsWith('google.rpc.RetryInfo'));
    const retryDelayMs = parseRetryDelay(retryInfo?.retryDelay);
    return new TransientError(message, {
      code,
      cause: error,
      ...(retryDelayMs === undefined ? {} : { retryDelayMs }),
    });
  }
  return new PermanentDependencyError(code, message, { cause: error });
}

// Duck-typed rather than `instanceof ApiError` so a second copy of the SDK (ESM and CJS builds)
// cannot slip past.
function isApiError(error: unknown): error is Error & { status: number } {
  return (
    error instanceof Error &&
    error.name === 'ApiError' &&
    typeof (error as { status?: unknown }).status === 'number'
  );
}

// v3.1.0 puts the JSON body in the message: bare for HTTP errors (`{"error":{...}}`) and after a
// prefix for errors sent inside an SSE stream (`got status: UNAVAILABLE. {"error":{...}}`).
function parseErrorBody(message: string): GoogleErrorBody | undefined {
  const start = message.indexOf('{');
  if (start === -1) return undefined;
  try {
    const parsed: unknown = JSON.parse(message.slice(start));
    const inner = (parsed as { error?: unknown } | null)?.error;
    return typeof inner === 'object' && inner !== null ? (inner as GoogleErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

// fetch reports a refused or dropped connection as `TypeError: fetch failed` (or `terminated`
// mid-body) with the socket error as `cause`; a request timeout aborts the fetch; the SDK's SSE
// reader reports a stream cut inside an event as an incomplete segment.
function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return true;
  if (error.message === 'Incomplete JSON segment at the end') return true;
  const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && networkErrorCodes.has(code)) return true;
  return error instanceof TypeError && (error.message === 'fetch failed' || error.message === 'terminated');
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
