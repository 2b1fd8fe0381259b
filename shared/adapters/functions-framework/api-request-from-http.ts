import type { Request } from '@google-cloud/functions-framework';
import type { ApiRequest } from '../../agents-api/handle-api-request.ts';

/**
 * An Express request (as functions-framework gives it) in the API's own terms. The path is
 * percent-decoded once, so `%2F` in a resource name segment is refused by the name checks
 * rather than silently splitting it; repeated query parameters keep their first value.
 */
export function toApiRequest(request: Request): ApiRequest {
  const query: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(request.query)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') query[key] = first;
  }

  return {
    method: request.method.toUpperCase(),
    path: safeDecode(request.path),
    query,
    authorization: request.headers.authorization,
    body: request.body,
    headers: request.headers,
    // functions-framework keeps the bytes its body parsers read; a body none of them read is empty.
    rawBody: request.rawBody ?? new Uint8Array(),
  };
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
