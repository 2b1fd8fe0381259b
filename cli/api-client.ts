/** A Google-style JSON error from the API, with its HTTP and RPC status. */
export class ApiError extends Error {
  readonly httpStatus: number;
  readonly status: string;
  constructor(httpStatus: number, status: string, message: string) {
    super(`${status} (HTTP ${httpStatus}): ${message}`);
    this.httpStatus = httpStatus;
    this.status = status;
  }
}

export interface ApiClient {
  call(method: string, path: string, options?: { query?: Record<string, string | undefined>; body?: unknown }): Promise<Record<string, unknown>>;
}

/** Calls `<baseUrl>/v1/...` with the bearer token; throws ApiError on a non-2xx answer. */
export function createApiClient(baseUrl: string, token: string): ApiClient {
  return {
    async call(method, path, options = {}) {
      const url = new URL(`${baseUrl}/v1/${path}`);
      for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
      const response = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
      const text = await response.text();
      const json = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      if (!response.ok) {
        const error = (json['error'] ?? {}) as { status?: string; message?: string };
        throw new ApiError(response.status, error.status ?? 'UNKNOWN', error.message ?? text);
      }
      return json;
    },
  };
}
