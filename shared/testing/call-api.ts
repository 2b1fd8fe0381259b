import type { ApiFetch } from '../agents-api/api-app.ts';

/** A call to the API as a test writes it: the path under `/v1/…`, a JSON body (sent only when given). */
export interface TestApiCall {
  method: string;
  /** `/v1/...`, with a custom method as `name:verb`. */
  path: string;
  query?: Record<string, string>;
  authorization?: string | undefined;
  body?: unknown;
}

/** Sends `call` through the API's router as an HTTP client would; resolves with the status and the JSON body. */
export async function callApi(api: ApiFetch, call: TestApiCall): Promise<{ status: number; body: unknown }> {
  const url = new URL(`http://api.test${call.path}`);
  for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.set(name, value);
  const headers: Record<string, string> = {};
  if (call.authorization) headers['authorization'] = call.authorization;
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  const response = await api(new Request(url, { method: call.method, headers, ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}) }));
  return { status: response.status, body: await response.json() };
}
