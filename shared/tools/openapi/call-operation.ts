import { InvalidInputError, TransientError } from '../../domain/errors.ts';
import { ToolFailure } from '../tool.ts';
import type { OpenApiOperation } from './read-openapi-operations.ts';

/** What a call adds to the operation's arguments: the fetch it goes through, its key, and its authorization. */
export interface OperationCallContext {
  /** The SSRF-guarded fetch (private ranges and the metadata server refused, redirects too), with its size and time limits. */
  fetch: typeof fetch;
  /** The call's key (run and step): sent as `Idempotency-Key` on a method that is not repeatable. */
  idempotencyKey: string;
  /** Headers and query parameters the toolset's authorization adds; they win over the model's arguments. */
  authorization?: { headers?: Record<string, string>; query?: Record<string, string> };
}

/** Methods a repeated call cannot change anything with (RFC 9110's safe methods). */
export function isRepeatableMethod(method: OpenApiOperation['method']): boolean {
  return method === 'get' || method === 'head' || method === 'options' || method === 'trace';
}

/** How much of an error response the model is shown. */
const errorExcerptCharacters = 1_000;

/**
 * One call of an OpenAPI operation (docs/architecture.md, "OpenAPI documents"): the model's
 * arguments put in the path, query and headers the operation declares and the JSON body, sent
 * through the guarded fetch. A 2xx answer is the result (JSON when it says so, else text). A
 * refusal of the request (4xx) is a tool error with the status and the start of the body. A
 * failure that may pass (a network error, 408, 429, 5xx) is retried for a repeatable method
 * (TransientError) and a tool error otherwise: a POST that timed out may have taken effect, and
 * only the server's deduplication by `Idempotency-Key` makes repeating it safe.
 */
export async function callOperation(operation: OpenApiOperation, args: Record<string, unknown>, context: OperationCallContext): Promise<{ status: number; body: unknown }> {
  const url = new URL(operation.serverUrl + expandPath(operation, args));
  const headers = new Headers({ accept: 'application/json, text/plain;q=0.9, */*;q=0.5' });
  for (const argument of operation.arguments) {
    const value = args[argument.argument];
    if (value === undefined || value === null) {
      if (argument.required) throw new ToolFailure(`${operation.toolName} needs ${argument.argument}`);
      continue;
    }
    if (argument.in === 'query') for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(argument.name, scalar(item));
    if (argument.in === 'header') headers.set(argument.name, scalar(value));
  }
  for (const [name, value] of Object.entries(context.authorization?.query ?? {})) url.searchParams.set(name, value);
  for (const [name, value] of Object.entries(context.authorization?.headers ?? {})) headers.set(name, value);
  const repeatable = isRepeatableMethod(operation.method);
  if (!repeatable) headers.set('idempotency-key', context.idempotencyKey);
  let body: string | undefined;
  if (operation.body && args['body'] !== undefined) {
    body = JSON.stringify(args['body']);
    headers.set('content-type', 'application/json');
  } else if (operation.body?.required) {
    throw new ToolFailure(`${operation.toolName} needs body`);
  }
  let response: Response;
  try {
    // An authorized call is never redirected: its key or token would go wherever the redirect points.
    const redirect = context.authorization ? 'manual' : 'follow';
    response = await context.fetch(url, { method: operation.method.toUpperCase(), headers, redirect, ...(body !== undefined ? { body } : {}) });
  } catch (error) {
    // A refused address (the server, or a redirect, pointing at a private one) is the model's to know.
    if (error instanceof InvalidInputError) throw new ToolFailure(error.message);
    if (error instanceof TransientError && !repeatable) throw new ToolFailure(`${operation.method.toUpperCase()} ${url.origin}${url.pathname} failed (${error.message}); it may have taken effect, so it is not repeated`);
    throw error;
  }
  if (context.authorization && response.status >= 300 && response.status < 400) {
    void response.body?.cancel();
    throw new ToolFailure(`${operation.method.toUpperCase()} ${url.pathname} was redirected (HTTP ${response.status}${response.headers.get('location') ? ` to ${response.headers.get('location')!.slice(0, 200)}` : ''}); authorized calls are not followed elsewhere`);
  }
  const text = await response.text();
  if (response.ok) return { status: response.status, body: parseBody(text, response.headers.get('content-type')) };
  const said = `${operation.method.toUpperCase()} ${url.pathname} answered HTTP ${response.status}: ${text.slice(0, errorExcerptCharacters)}`;
  const mayPass = response.status === 408 || response.status === 429 || response.status >= 500;
  if (mayPass && repeatable) throw new TransientError(said, { code: 'API_UNAVAILABLE' });
  throw new ToolFailure(mayPass ? `${said} (not repeated: it may have taken effect)` : said);
}

/** The path with each `{name}` replaced by its argument, percent-encoded so it stays one segment. */
function expandPath(operation: OpenApiOperation, args: Record<string, unknown>): string {
  return operation.pathTemplate.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const argument = operation.arguments.find((candidate) => candidate.in === 'path' && candidate.name === name);
    const value = argument ? args[argument.argument] : undefined;
    if (value === undefined || value === null || value === '') throw new ToolFailure(`${operation.toolName} needs ${argument?.argument ?? name}`);
    const segment = scalar(value);
    // URL parsing would resolve these against the path: another operation of the server, not this one.
    if (segment === '.' || segment === '..') throw new ToolFailure(`${argument?.argument ?? name} cannot be ${JSON.stringify(segment)}`);
    return encodeURIComponent(segment);
  });
}

function scalar(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function parseBody(text: string, contentType: string | null): unknown {
  if (text === '') return null;
  if (contentType && /[/+]json\b/i.test(contentType)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
