import { AgentlineError, TransientError } from '../../domain/errors.ts';
import { isRepeatableMethod, type OpenApiOperation } from '../../domain/openapi-operation.ts';
import type { ToolCredentials } from '../../ports/tool-credentials.ts';
import { ToolFailure, type ToolContext } from '../tool.ts';
import { RequestAuthorizer, type RequestAuthorization } from './authorize-request.ts';
import { buildOperationRequest } from './build-operation-request.ts';
import { redactSecrets } from '../redact-secrets.ts';

/** Calls OpenAPI operations for the tool step; one per process, holding the OAuth2 token cache. */
export interface OpenApiCaller {
  /**
   * Sends one call and returns what the model sees: `{status, body}`. Throws ToolFailure for an
   * answer the model should read (a 4xx, a refused address) and TransientError for one worth
   * retrying (network, timeout, 408, 429, 5xx).
   */
  call(operation: OpenApiOperation, args: Record<string, unknown>, context: ToolContext): Promise<Record<string, unknown>>;
}

/** How much of an error answer's body the model is shown. */
const excerptCharacters = 500;
/** Redirects a GET or HEAD follows, each through the guarded fetch again. */
const maxRedirects = 3;

/**
 * The caller over the SSRF-guarded fetch (docs/architecture.md, "OpenAPI toolsets"), whose
 * timeout and response size cap apply to every request; a call is also bounded by its attempt's
 * lease. A non-repeatable method carries `Idempotency-Key: <run>/<step>`, the same on every
 * attempt of the call. Secret values are removed from whatever the model sees.
 */
export function createOpenApiCaller(deps: { fetch: typeof fetch; credentials: ToolCredentials }): OpenApiCaller {
  const authorizer = new RequestAuthorizer(deps.credentials, deps.fetch);
  return {
    async call(operation, args, context) {
      const repeatable = isRepeatableMethod(operation.method);
      if (!repeatable && context.now() >= context.deadline) throw new TransientError('The attempt\'s lease ended before the request was sent');
      let auth = await authorizer.authorize(operation.auth, context.now());
      const key = repeatable ? undefined : context.idempotencyKey;
      let sent = await send(deps.fetch, operation, args, auth, key, context);
      if (sent.response.status === 401 && authorizer.refused(operation.auth)) {
        await sent.response.body?.cancel();
        auth = await authorizer.authorize(operation.auth, context.now());
        sent = await send(deps.fetch, operation, args, auth, key, context);
      }
      return readAnswer(operation, sent, auth.secrets);
    },
  };
}

interface Sent {
  response: Response;
  /** Ends with the attempt's lease: reading the body is bounded by it too. */
  signal: AbortSignal;
}

async function send(guardedFetch: typeof fetch, operation: OpenApiOperation, args: Record<string, unknown>, auth: RequestAuthorization, idempotencyKey: string | undefined, context: ToolContext): Promise<Sent> {
  const { url, init } = buildOperationRequest(operation, args, auth, idempotencyKey);
  const signal = AbortSignal.timeout(Math.max(1, context.deadline - context.now()));
  let target = url;
  for (let redirects = 0; ; redirects++) {
    let response: Response;
    try {
      response = await guardedFetch(target, { ...init, signal, redirect: 'manual' });
    } catch (error) {
      throw callFailure(error, operation, auth.secrets, signal);
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) return { response, signal };
    await response.body?.cancel();
    // A redirect is followed only for a read, and only to the same origin when it carries a credential.
    const next = new URL(location, target);
    const mayFollow = isRepeatableMethod(operation.method) && redirects < maxRedirects && (auth.secrets.length === 0 || next.origin === url.origin);
    if (!mayFollow) throw new ToolFailure(`${label(operation)} answered HTTP ${response.status}, a redirect to ${next.origin}${next.pathname}, which is not followed`);
    target = next;
  }
}

function callFailure(error: unknown, operation: OpenApiOperation, secrets: readonly string[], signal: AbortSignal): unknown {
  if (signal.aborted) return new TransientError(`${label(operation)} did not answer before the attempt's lease ended`, { cause: error });
  if (error instanceof TransientError) return new TransientError(redactSecrets(error.message, secrets));
  // A refused address (the SSRF guard), an answer over the size cap: the model is told, no retry helps.
  if (error instanceof AgentlineError) return new ToolFailure(`${label(operation)} failed: ${redactSecrets(error.message, secrets)}`);
  return error;
}

async function readAnswer(operation: OpenApiOperation, { response, signal }: Sent, secrets: readonly string[]): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = redactSecrets(await response.text(), secrets);
  } catch (error) {
    throw callFailure(error, operation, secrets, signal);
  }
  const contentType = response.headers.get('content-type') ?? '';
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    // Safe to retry: a read repeats, and a write carries the same Idempotency-Key (the contract).
    throw new TransientError(`${label(operation)} answered ${status}: ${text.slice(0, excerptCharacters)}`);
  }
  if (!response.ok) throw new ToolFailure(`${label(operation)} answered ${status}: ${text.slice(0, excerptCharacters)}`);
  if (/json/i.test(contentType)) {
    try {
      return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
    } catch {
      return { status: response.status, body: text };
    }
  }
  if (text === '' || /^text\/|xml|yaml|csv|html/i.test(contentType)) return { status: response.status, body: text };
  return { status: response.status, content_type: contentType, bytes: Buffer.byteLength(text), note: 'The body is binary and is not shown' };
}

function label(operation: OpenApiOperation): string {
  return `${operation.method} ${operation.pathTemplate}`;
}
