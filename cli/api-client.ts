/** A Google-style JSON error from the API, with its HTTP and RPC status. */
export class ApiError extends Error {
  readonly httpStatus: number;
  readonly status: string;
  constructor(httpStatus: number, status: string, message: string) {
    super(`${status} (HTTP ${httpStatus}): ${message}`);
    this.name = 'ApiError';
    this.httpStatus = httpStatus;
    this.status = status;
  }
}

/** The stack's API stopped answering (refused or dropped connections): its `agentline dev` is likely gone. */
export class StackGoneError extends Error {
  constructor(baseUrl: string, options: { cause: unknown }) {
    super(`the local stack at ${baseUrl} is gone (its agentline dev stopped?)`, options);
    this.name = 'StackGoneError';
  }
}

export interface ApiClient {
  /** Throws ApiError on a non-2xx answer, StackGoneError when the stack cannot be reached. */
  call(method: string, path: string, options?: { query?: Record<string, string | undefined>; body?: unknown; signal?: AbortSignal }): Promise<Record<string, unknown>>;
  /** GETs a file the API answers with as it is stored (a run's artifact); errors as `call`'s. */
  download(path: string): Promise<Buffer>;
}

// How undici (Node's fetch) reports a stack that is not there, or went away mid-request.
const connectionLostCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** Whether `error` (a fetch failure, or its cause) says the server refused or dropped the connection. */
export function isConnectionLost(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (connectionLostCodes.has((current as NodeJS.ErrnoException).code ?? '')) return true;
  }
  return false;
}

function isJson(response: Response): boolean {
  const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

/** Calls `<baseUrl>/v1/...` with the bearer token. */
export function createApiClient(baseUrl: string, token: string): ApiClient {
  return {
    async call(method, path, options = {}) {
      const url = new URL(`${baseUrl}/v1/${path}`);
      for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        text = await response.text();
      } catch (error) {
        if (isConnectionLost(error)) throw new StackGoneError(baseUrl, { cause: error });
        throw error;
      }
      // A stopping local stack answers every request 503 in plain text before it goes.
      if (response.status === 503 && text && !isJson(response)) throw new StackGoneError(baseUrl, { cause: new Error(text.trim()) });
      if (text && !isJson(response)) throw new ApiError(response.status, 'UNKNOWN', `not a JSON answer from ${url.pathname}: ${text.slice(0, 200).trim()}`);
      const json = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      if (!response.ok) {
        const error = (json['error'] ?? {}) as { status?: string; message?: string };
        throw new ApiError(response.status, error.status ?? 'UNKNOWN', error.message ?? text);
      }
      return json;
    },
    async download(path) {
      const url = new URL(`${baseUrl}/v1/${path}`);
      let response: Response;
      try {
        response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      } catch (error) {
        if (isConnectionLost(error)) throw new StackGoneError(baseUrl, { cause: error });
        throw error;
      }
      if (response.ok) return Buffer.from(await response.arrayBuffer());
      const text = await response.text();
      const error = (isJson(response) && text ? ((JSON.parse(text) as { error?: { status?: string; message?: string } }).error ?? {}) : {}) as { status?: string; message?: string };
      throw new ApiError(response.status, error.status ?? 'UNKNOWN', error.message ?? text.slice(0, 200));
    },
  };
}
