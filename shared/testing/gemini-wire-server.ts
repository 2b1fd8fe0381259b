import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  googleErrorBody,
  type GeminiErrorSpec,
  type GeminiRequestBody,
  type RecordedRequest,
  type Reply,
} from './gemini-replies.ts';

export interface GeminiWireServer {
  /** Base URL for `httpOptions.baseUrl` or `GOOGLE_GEMINI_BASE_URL`. */
  url: string;
  /** Every generate request received, in arrival order (unexpected ones included). */
  requests: RecordedRequest[];
  /** Requests answered 429 by the `quota` option. */
  readonly rateLimited: number;
  /** Why each request that had no usable reply failed; a passing test leaves this empty. */
  unexpectedCalls: string[];
  /** Appends replies, consumed one per request in order before `respond` is consulted. */
  script(replies: Reply[]): void;
  /** Throws when a request went unanswered or a scripted reply was never used. */
  assertAllRepliesUsed(): void;
  close(): Promise<void>;
}

export interface GeminiWireServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Answers requests once the script is used up; throwing makes the call unexpected. */
  respond?: (request: RecordedRequest) => Reply;
  /**
   * Enforces a quota as Gemini does: at most `requests` generate requests per model per window
   * (aligned to the epoch); past it a request is answered 429 RESOURCE_EXHAUSTED with a RetryInfo until the
   * window's end, and counted in `rateLimited`.
   */
  quota?: { requests: number; windowMs: number };
}

// Gemini API (`/v1beta/models/m:…`) and Vertex AI (`/v1beta1/[projects/p/locations/l/]publishers/google/models/m:…`).
const generatePath = /^\/[^/]+\/(?:.*\/)?models\/([^/:]+):(generateContent|streamGenerateContent)$/;

/**
 * A local HTTP server speaking Gemini's REST wire format, so the real `@google/genai` client can be
 * exercised without credentials. Strict, so a test cannot pass by accident: a request with nothing to answer gets HTTP 500
 * with an explanation and is listed in `unexpectedCalls`, which fails `assertAllRepliesUsed`.
 */
export async function startGeminiWireServer(
  options: GeminiWireServerOptions = {},
): Promise<GeminiWireServer> {
  const requests: RecordedRequest[] = [];
  const unexpectedCalls: string[] = [];
  const scripted: Reply[] = [];
  const rateLimited = { count: 0 };
  const windows = new Map<string, number>();
  const overQuota = (quota: { requests: number; windowMs: number }, model: string, now: number) => {
    const window = `${model} ${Math.floor(now / quota.windowMs)}`;
    const count = (windows.get(window) ?? 0) + 1;
    windows.set(window, count);
    return count > quota.requests;
  };

  const nextReply = (request: RecordedRequest): Reply => {
    const reply = scripted.shift() ?? options.respond?.(request);
    if (reply === undefined) throw new Error('no scripted reply left and no respond function');
    if ('chunks' in reply && !request.stream) {
      throw new Error('an SSE `chunks` reply was scripted for generateContent');
    }
    return reply;
  };

  const handle = async (incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
    const url = new URL(incoming.url ?? '/', 'http://localhost');
    const match = incoming.method === 'POST' ? generatePath.exec(url.pathname) : null;
    const rawBody = await readBody(incoming);
    if (match === null) {
      unexpectedCalls.push(`${incoming.method} ${url.pathname}: not a generate request`);
      return sendError(outgoing, { code: 404, status: 'NOT_FOUND', message: `gemini-wire-server: no route ${url.pathname}` });
    }
    const request: RecordedRequest = {
      path: url.pathname,
      model: match[1] ?? '',
      stream: match[2] === 'streamGenerateContent',
      body: JSON.parse(rawBody) as GeminiRequestBody,
      headers: incoming.headers,
    };
    requests.push(request);
    if (options.quota && overQuota(options.quota, request.model, Date.now())) {
      rateLimited.count += 1;
      const now = Date.now();
      const retrySeconds = (Math.floor(now / options.quota.windowMs) + 1) * options.quota.windowMs - now;
      return sendError(outgoing, { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'gemini-wire-server: quota exceeded', retryDelay: `${(retrySeconds / 1000).toFixed(3)}s` });
    }
    let reply: Reply;
    try {
      reply = nextReply(request);
    } catch (error) {
      const kind = request.stream ? 'stream' : 'generate';
      const reason = `request #${requests.length} (${request.model}, ${kind}): ${(error as Error).message}`;
      unexpectedCalls.push(reason);
      const message = `gemini-wire-server: unexpected call, ${reason}`;
      return sendError(outgoing, { code: 500, status: 'INTERNAL', message });
    }
    if (reply.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (reply.until) await reply.until.catch(() => {});
    if ('error' in reply) return sendError(outgoing, reply.error);
    const chunks = 'chunks' in reply ? reply.chunks : [reply.response];
    if (!request.stream) return sendJson(outgoing, 200, chunks[0]);
    outgoing.writeHead(200, { 'content-type': 'text/event-stream' });
    // The real API separates events with CRLF CRLF; the SDK accepts that and "\n\n".
    for (const chunk of chunks) outgoing.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
    outgoing.end();
  };

  const server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch((error: unknown) => {
      unexpectedCalls.push(`server failure: ${(error as Error).message}`);
      if (outgoing.headersSent) outgoing.destroy();
      else sendError(outgoing, { code: 500, status: 'INTERNAL', message: `gemini-wire-server: ${String(error)}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    unexpectedCalls,
    get rateLimited() {
      return rateLimited.count;
    },
    script: (replies) => void scripted.push(...replies),
    assertAllRepliesUsed: () => {
      const problems = [...unexpectedCalls];
      if (scripted.length > 0) problems.push(`${scripted.length} scripted replies were never requested`);
      if (problems.length > 0) throw new Error(`Gemini wire server: ${problems.join('; ')}`);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The SDK's fetch keeps connections alive; without this close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}

async function readBody(incoming: IncomingMessage): Promise<string> {
  const pieces: Buffer[] = [];
  for await (const piece of incoming) pieces.push(piece as Buffer);
  return Buffer.concat(pieces).toString('utf8');
}

function sendError(outgoing: ServerResponse, error: GeminiErrorSpec): void {
  sendJson(outgoing, error.code, googleErrorBody(error));
}

function sendJson(outgoing: ServerResponse, status: number, body: unknown): void {
  outgoing.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  outgoing.end(JSON.stringify(body));
}
