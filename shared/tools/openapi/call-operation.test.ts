import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransientError } from '../../domain/errors.ts';
import { createGuardedFetch } from '../../adapters/http/guarded-fetch.ts';
import { ToolFailure } from '../tool.ts';
import { callOperation } from './call-operation.ts';
import { readOpenApiOperations, type OpenApiOperation } from './read-openapi-operations.ts';

// The real guarded fetch (loopback allowed, as on the local stack) against a server the test runs.
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
const seen: Seen[] = [];
let answer: (request: Seen) => { status: number; body: string; headers?: Record<string, string> } = () => ({ status: 200, body: '{}' });
const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    const entry = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body };
    seen.push(entry);
    const { status, body: text, headers } = answer(entry);
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(text);
  });
});
const guarded = createGuardedFetch({ allowLoopback: true, timeoutMs: 5_000, maxResponseBytes: 1_000_000 });
let operations: Map<string, OpenApiOperation>;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const document = {
    openapi: '3.0.3',
    info: { title: 'Pets', version: '1' },
    servers: [{ url }],
    paths: {
      '/stores/{storeId}/pets': {
        parameters: [{ name: 'storeId', in: 'path', required: true, schema: { type: 'string' } }],
        get: { operationId: 'listPets', parameters: [{ name: 'tag', in: 'query', schema: { type: 'array', items: { type: 'string' } } }, { name: 'X-Trace', in: 'header', schema: { type: 'string' } }], responses: { '200': { description: 'ok' } } },
        post: { operationId: 'createPet', requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { name: { type: 'string' } } } } } }, responses: { '201': { description: 'ok' } } },
      },
    },
  };
  operations = new Map((await readOpenApiOperations(document)).map((operation) => [operation.toolName, operation]));
});

afterAll(async () => {
  server.close();
  await guarded.close();
});

const call = (name: string, args: Record<string, unknown>, authorization?: { headers?: Record<string, string>; query?: Record<string, string> }) =>
  callOperation(operations.get(name)!, args, { fetch: guarded.fetch, idempotencyKey: 'r1/2-tool-0', ...(authorization ? { authorization } : {}) });

describe('callOperation', () => {
  it('puts each argument where the operation declares it, encoded, and the authorization last', async () => {
    answer = () => ({ status: 200, body: '[{"name":"Rex"}]' });
    const result = await call('list_pets', { storeId: 'north/1', tag: ['dog', 'old'], X_Trace: 't-1' }, { headers: { 'X-Trace': 'never the model' }, query: { key: 's3cret' } });
    expect(result).toEqual({ status: 200, body: [{ name: 'Rex' }] });
    const request = seen.at(-1)!;
    expect(request.method).toBe('GET');
    expect(request.url).toBe('/v1/stores/north%2F1/pets?tag=dog&tag=old&key=s3cret');
    expect(request.headers['x-trace']).toBe('never the model');
    expect(request.headers['idempotency-key']).toBeUndefined();
  });

  it('sends a POST its JSON body with the call\'s Idempotency-Key, the same on every attempt', async () => {
    answer = () => ({ status: 201, body: '{"id":7}' });
    await call('create_pet', { storeId: 's1', body: { name: 'Rex' } });
    await call('create_pet', { storeId: 's1', body: { name: 'Rex' } });
    const [first, second] = seen.slice(-2);
    expect(first).toMatchObject({ method: 'POST', url: '/v1/stores/s1/pets', body: '{"name":"Rex"}' });
    expect(first!.headers['idempotency-key']).toBe('r1/2-tool-0');
    expect(second!.headers['idempotency-key']).toBe('r1/2-tool-0');
  });

  it('answers a refusal as a tool error with its status and body, and retries only what is safe to repeat', async () => {
    answer = () => ({ status: 404, body: '{"error":"no such store"}' });
    await expect(call('list_pets', { storeId: 'x' })).rejects.toThrow(new ToolFailure('GET /v1/stores/x/pets answered HTTP 404: {"error":"no such store"}'));
    answer = () => ({ status: 503, body: 'busy' });
    await expect(call('list_pets', { storeId: 'x' })).rejects.toBeInstanceOf(TransientError);
    await expect(call('create_pet', { storeId: 'x', body: {} })).rejects.toThrow(new ToolFailure('POST /v1/stores/x/pets answered HTTP 503: busy (not repeated: it may have taken effect)'));
  });

  it('refuses a redirect to the metadata server, and a path argument that would climb out of its segment', async () => {
    answer = () => ({ status: 302, body: '', headers: { location: 'http://169.254.169.254/computeMetadata/v1/' } });
    await expect(call('list_pets', { storeId: 'x' })).rejects.toThrow(/Refusing to connect to 169\.254\.169\.254/);
    await expect(call('list_pets', { storeId: '..' })).rejects.toThrow(new ToolFailure('storeId cannot be ".."'));
    // With an authorization, not even a redirect to a public address is followed: the key would go with it.
    answer = () => ({ status: 307, body: '', headers: { location: 'https://elsewhere.example/steal' } });
    await expect(call('list_pets', { storeId: 'x' }, { headers: { 'X-Api-Key': 'k' } })).rejects.toThrow(
      new ToolFailure('GET /v1/stores/x/pets was redirected (HTTP 307 to https://elsewhere.example/steal); authorized calls are not followed elsewhere'),
    );
    await expect(call('create_pet', { storeId: 'x' })).rejects.toThrow(new ToolFailure('create_pet needs body'));
  });
});
