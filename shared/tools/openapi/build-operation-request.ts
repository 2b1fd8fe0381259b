import { isPlainObject } from '../../domain/config-problems.ts';
import type { OpenApiOperation } from '../../domain/openapi-operation.ts';
import { ToolFailure } from '../tool.ts';
import type { RequestAuthorization } from './authorize-request.ts';

/** The URL and init of one call, from the model's (validated) arguments and the toolset's auth. */
export function buildOperationRequest(operation: OpenApiOperation, args: Record<string, unknown>, auth: RequestAuthorization, idempotencyKey: string | undefined): { url: URL; init: RequestInit } {
  let path = operation.pathTemplate;
  const url = new URL(operation.serverUrl);
  const headers: Record<string, string> = { accept: 'application/json, text/*;q=0.9, */*;q=0.5' };
  const query: [string, string][] = [];
  for (const parameter of operation.parameters) {
    const value = args[parameter.argument];
    if (value === undefined || value === null) {
      if (parameter.required) throw new ToolFailure(`Missing required argument ${parameter.argument}`);
      continue;
    }
    if (parameter.in === 'path') path = path.replaceAll(`{${parameter.name}}`, pathSegment(parameter.argument, scalar(value)));
    else if (parameter.in === 'query') for (const item of Array.isArray(value) ? value : [value]) query.push([parameter.name, scalar(item)]);
    else headers[parameter.name.toLowerCase()] = scalar(value);
  }
  url.pathname = `${url.pathname.replace(/\/$/, '')}${path}`;
  for (const [name, value] of [...query, ...Object.entries(auth.query)]) url.searchParams.append(name, value);
  // Set after the model's header arguments, so an argument can never replace the credential or the key.
  Object.assign(headers, lowerCaseKeys(auth.headers));
  if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
  const init: RequestInit = { method: operation.method, headers };
  if (operation.body && args.body !== undefined) {
    headers['content-type'] = operation.body.contentType;
    init.body = encodeBody(operation.body.contentType, args.body);
  } else if (operation.body?.required) {
    throw new ToolFailure('Missing required argument body');
  }
  return { url, init };
}

function encodeBody(contentType: string, body: unknown): string {
  if (contentType === 'application/x-www-form-urlencoded') {
    if (!isPlainObject(body)) throw new ToolFailure('body must be an object of form fields');
    return new URLSearchParams(Object.entries(body).map(([name, value]): [string, string] => [name, scalar(value)])).toString();
  }
  if (contentType === 'text/plain') return typeof body === 'string' ? body : JSON.stringify(body);
  return JSON.stringify(body);
}

function scalar(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/**
 * A path argument as one encoded segment. "." and ".." are refused: encoding leaves them as they
 * are, and a URL resolves them, so the request would climb out of the operation's path.
 */
function pathSegment(argument: string, value: string): string {
  if (value === '' || value === '.' || value === '..') throw new ToolFailure(`${argument} cannot be ${JSON.stringify(value)}: it must name one path segment`);
  return encodeURIComponent(value);
}
