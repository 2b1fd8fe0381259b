import { afterEach } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { petstoreDocument } from './petstore-openapi.ts';

/** A request the petstore server received, as it arrived. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A petstore API over node:http for OpenAPI toolset tests: `/v1/stores/{storeId}/pets` (GET
 * lists, POST creates once per Idempotency-Key), `/v1/stores/{storeId}/pets/{petId}` (`moved`
 * redirects to the metadata server, `missing` is 404), its own document at `/openapi.json`, and
 * an OAuth2 token endpoint at `/oauth/token` issuing `token-1`, `token-2`…; a token in `revoked`
 * is refused with 401. `requireAuth` checks every API request with the given predicate.
 */
export async function startPetstoreServer(options: { requireAuth?: (request: ReceivedRequest) => boolean; clientSecret?: string } = {}) {
  const received: ReceivedRequest[] = [];
  const tokenRequests: ReceivedRequest[] = [];
  const revoked = new Set<string>();
  const createdByKey = new Map<string, Record<string, unknown>>();
  let tokens = 0;
  let document: Record<string, unknown> | undefined;

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      handle(entry, response);
    });
  });

  function handle(request: ReceivedRequest, response: ServerResponse): void {
    const url = new URL(request.url, 'http://localhost');
    if (url.pathname === '/openapi.json') return json(response, 200, document);
    if (url.pathname === '/oauth/token') {
      tokenRequests.push(request);
      const expected = `Basic ${Buffer.from(`petstore-client:${options.clientSecret ?? ''}`).toString('base64')}`;
      if (request.headers.authorization !== expected) return json(response, 401, { error: 'invalid_client' });
      return json(response, 200, { access_token: `token-${(tokens += 1)}`, token_type: 'Bearer', expires_in: 3600 });
    }
    received.push(request);
    const bearer = request.headers.authorization?.replace(/^Bearer /, '');
    if (bearer && revoked.has(bearer)) return json(response, 401, { error: 'token expired' });
    if (options.requireAuth && !options.requireAuth(request)) return json(response, 401, { error: 'unauthenticated', got: request.headers });
    const match = /^\/v1\/stores\/([^/]+)\/pets(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match) return json(response, 404, { error: 'no such path' });
    const [, storeId, petId] = match;
    if (petId === 'moved') {
      response.writeHead(302, { location: 'http://169.254.169.254/computeMetadata/v1/' });
      return void response.end();
    }
    if (petId === 'missing') return json(response, 404, { error: `pet ${petId} is not in store ${storeId}` });
    if (petId) return json(response, 200, { id: 1, name: 'Rex', storeId });
    if (request.method === 'POST') {
      const key = String(request.headers['idempotency-key'] ?? '');
      const created = createdByKey.get(key) ?? { id: createdByKey.size + 100, storeId, ...(JSON.parse(request.body) as object) };
      createdByKey.set(key, created);
      return json(response, 201, created);
    }
    return json(response, 200, [{ id: 1, name: 'Rex', storeId, limit: url.searchParams.get('limit') }]);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  document = petstoreDocument(`${origin}/v1`);
  return {
    origin,
    /** API requests, in order (token requests apart). */
    received,
    tokenRequests,
    /** Pets created, by Idempotency-Key: one entry per effect. */
    createdByKey,
    revoked,
    /** Serves another document at /openapi.json from now on. */
    serveDocument(next: Record<string, unknown>): void {
      document = next;
    },
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
export type PetstoreServer = Awaited<ReturnType<typeof startPetstoreServer>>;

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** The server and world a test starts, closed after each test (`useOpenApiTestCleanup`). */
export interface OpenApiTestResources {
  server?: PetstoreServer;
  world?: { close(): void };
}

/** Holds each test's petstore server and world, and closes them after it. */
export function useOpenApiTestCleanup(): OpenApiTestResources {
  const held: OpenApiTestResources = {};
  afterEach(async () => {
    held.world?.close();
    await held.server?.close();
    held.world = held.server = undefined;
  });
  return held;
}
