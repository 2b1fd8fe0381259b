import { createServer } from 'node:http';
import type { RequestListener } from 'node:http';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { getRequestListener } from '@hono/node-server';
import type { ApiFetch } from '../agents-api/api-app.ts';

/** Several functions-framework functions behind one local port. */
export interface FunctionServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Where an HTTP caller reaches `functionName`: `<url>/<functionName>`. */
  functionUrl(functionName: string): string;
  /**
   * The push endpoint for a subscription on `topic` feeding `functionName`. The path carries
   * `/projects/P/topics/T` because that is the only place functions-framework can learn the
   * topic from: it becomes the CloudEvent's `source`.
   */
  pushEndpoint(functionName: string, projectId: string, topic: string): string;
  /**
   * From now on answers every new request 503 (Pub/Sub keeps the message), while requests already
   * being handled go on: how a stack stops taking deliveries before it drains. Idempotent.
   */
  refuseNew(): void;
  /** Stops listening and drops open (keep-alive) connections. Idempotent. */
  close(): Promise<void>;
}

export interface StartFunctionServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Functions already registered with `functions.cloudEvent` / `functions.http`. */
  functionNames: readonly string[];
  /**
   * Paths under `/v1/` go to this API, served by the same Node adapter as the deployed API
   * service (`@hono/node-server`), so it answers at `<url>/v1/...` as the service does.
   */
  api?: ApiFetch;
}

/**
 * Serves registered functions in this process, routing by the first path segment:
 * `POST /planStep/projects/P/topics/T` runs `planStep` with the rest of the path. Each function
 * keeps functions-framework's own request handling (Pub/Sub push body → CloudEvent, return → 204,
 * throw → 500), taken from `getTestServer(name)`, which builds that stack without listening.
 * Throws if a name was never registered.
 */
export async function startFunctionServer(options: StartFunctionServerOptions): Promise<FunctionServer> {
  const handlers = new Map<string, RequestListener>();
  for (const name of options.functionNames) {
    const [listener] = getTestServer(name).listeners('request') as RequestListener[];
    if (!listener) throw new Error(`functions-framework gave no request handler for ${name}`);
    handlers.set(name, listener);
  }

  const api = options.api ? getRequestListener(options.api) : undefined;
  let refusing = false;
  const server = createServer((request, response) => {
    if (refusing) {
      response.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' });
      response.end('The local stack is stopping\n');
      return;
    }
    const path = request.url ?? '/';
    if (api && path.startsWith('/v1/')) return void api(request, response);
    const match = /^\/([^/?]+)(.*)$/.exec(path);
    const handler = match && handlers.get(match[1]!);
    if (!match || !handler) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end(`No function at ${path}; serving ${[...handlers.keys()].map((name) => `/${name}`).join(', ')}\n`);
      return;
    }
    const rest = match[2]!;
    request.url = rest.startsWith('/') ? rest : `/${rest}`;
    handler(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  const url = `http://127.0.0.1:${address.port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    functionUrl: (functionName) => `${url}/${functionName}`,
    pushEndpoint: (functionName, projectId, topic) => `${url}/${functionName}/projects/${projectId}/topics/${topic}`,
    refuseNew() {
      refusing = true;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The emulator keeps push connections alive; without this, close() waits for them.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
