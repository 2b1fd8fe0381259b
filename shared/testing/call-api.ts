import type { ApiFetch } from '../agents-api/api-app.ts';

/** A call to the API as a test writes it: the path under `/v1/…`, a JSON body (sent only when given). */
export interface TestApiCall {
  method: string;
  /** `/v1/...`, with a custom method as `name:verb`. */
  path: string;
  query?: Record<string, string>;
  authorization?: string | undefined;
  body?: unknown;
  /** Sent as they are instead of `body` (a signed webhook's bytes), with these headers. */
  rawBody?: Uint8Array;
  headers?: Record<string, string>;
}

/** Sends `call` through the API's router as an HTTP client would; resolves with the status and the JSON body (a download's bytes). */
export async function callApi(api: ApiFetch, call: TestApiCall): Promise<{ status: number; body: unknown }> {
  const url = new URL(`http://api.test${call.path}`);
  for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.set(name, value);
  const headers: Record<string, string> = { ...call.headers };
  if (call.authorization) headers['authorization'] = call.authorization;
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  const body = call.rawBody ?? (call.body !== undefined ? JSON.stringify(call.body) : undefined);
  const response = await api(new Request(url, { method: call.method, headers, ...(body !== undefined ? { body } : {}) }));
  const json = response.headers.get('content-type')?.startsWith('application/json') ?? false;
  return { status: response.status, body: json ? await response.json() : Buffer.from(await response.arrayBuffer()) };
}
