import type { FetchedOpenApiDocument } from '../../tools/openapi/resolve-openapi-toolsets.ts';
import { requireOkResponse } from './retryable-http-status.ts';

/**
 * Fetches an OpenAPI toolset's `spec_url` document at deploy through `guardedFetch` (see
 * createGuardedFetch: private and metadata addresses refused, redirects checked), never when a
 * tool is called. YAML unless the response says JSON or the text starts with `{`.
 *
 * @throws InvalidInputError for a refused address or a 4xx answer (OPENAPI_DOCUMENT_UNAVAILABLE);
 *   TransientError for network failures, timeouts, 408, 429 and 5xx.
 */
export async function fetchOpenApiDocument(url: string, guardedFetch: typeof fetch): Promise<FetchedOpenApiDocument> {
  const response = await guardedFetch(url, { headers: { accept: 'application/json, application/yaml;q=0.9, */*;q=0.5' }, redirect: 'follow' });
  await requireOkResponse(response, `OpenAPI document at ${url}`, 'OPENAPI_DOCUMENT_UNAVAILABLE');
  const text = await response.text();
  const json = /json/i.test(response.headers.get('content-type') ?? '') || text.trimStart().startsWith('{');
  return { text, type: json ? 'json' : 'yaml' };
}
