import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ApiError, createApiClient, StackGoneError } from './api-client.ts';
import { namingRun } from './follow-run.ts';
import { createWithRetries } from './run-command.ts';

/** A real local server on a free port, with `handle` answering each request. */
async function listen(handle: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('the API client when the local stack is gone', () => {
  it('names a stack whose port refuses connections as gone, keeping the refusal as the cause', async () => {
    const { server, url } = await listen(() => {});
    await close(server);
    const error = await createApiClient(url, 'token').call('GET', 'runs/r1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StackGoneError);
    expect((error as Error).message).toBe(`the local stack at ${url} is gone (its agentline dev stopped?)`);
    expect(JSON.stringify((error as Error).cause, Object.getOwnPropertyNames((error as Error).cause))).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it('names a stack that drops the connection mid-request (a long poll) as gone', async () => {
    const { server, url } = await listen((request) => request.socket.destroy());
    try {
      const error = await createApiClient(url, 'token').call('GET', 'runs/r1:wait').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StackGoneError);
    } finally {
      await close(server);
    }
  });

  it('keeps an API error an ApiError with its status', async () => {
    const { server, url } = await listen((_request, response) => {
      response.writeHead(403, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 403, status: 'PERMISSION_DENIED', message: 'Permission denied on run runs/r1 (or it may not exist)' } }));
    });
    try {
      const error = await createApiClient(url, 'token').call('GET', 'runs/r1').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).httpStatus).toBe(403);
    } finally {
      await close(server);
    }
  });
});

describe('a run-related failure', () => {
  it.each([
    ['a gone stack', new StackGoneError('http://127.0.0.1:1', { cause: new Error('ECONNREFUSED') }), /is gone \(its agentline dev stopped\?\); agentline runs get runs\/r1 shows more$/],
    ['a timeout', new Error('runs/r1 did not end within the --timeout; agentline runs get runs/r1 shows it now'), /shows it now$/],
    ['a run the caller may not see', new ApiError(403, 'PERMISSION_DENIED', 'Permission denied on run runs/r1 (or it may not exist)'), /; agentline runs list shows your runs$/],
  ])('names the command that shows more: %s', (_case, error, message) => {
    const named = namingRun(error, 'runs/r1') as Error;
    expect(named.message).toMatch(message);
    if (named !== error) expect(named.cause).toBe(error);
  });
});

describe('the API client when the local stack is stopping', () => {
  it('names a stack that answers 503 in plain text (it stops taking requests) as gone', async () => {
    const { server, url } = await listen((_request, response) => {
      response.writeHead(503, { 'content-type': 'text/plain' });
      response.end('The local stack is stopping\n');
    });
    try {
      const error = await createApiClient(url, 'token').call('GET', 'runs/r1:wait').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StackGoneError);
      expect(((error as Error).cause as Error).message).toBe('The local stack is stopping');
    } finally {
      await close(server);
    }
  });

  it('reports any other answer that is not JSON as an API error quoting it, never a JSON parse failure', async () => {
    const { server, url } = await listen((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html>Bad gateway</html>');
    });
    try {
      await expect(createApiClient(url, 'token').call('GET', 'runs')).rejects.toThrow('UNKNOWN (HTTP 502): not a JSON answer from /v1/runs: <html>Bad gateway</html>');
    } finally {
      await close(server);
    }
  });
});

describe('creating a run when the API fails', () => {
  it('tries a server error again with the same requestId, and reports a refusal at once', async () => {
    const requestIds: (string | null)[] = [];
    let failures = 2;
    const { server, url } = await listen((request, response) => {
      requestIds.push(new URL(request.url ?? '/', 'http://x').searchParams.get('requestId'));
      request.resume();
      if (failures-- > 0) {
        response.writeHead(503, { 'content-type': 'application/json' });
        return response.end(JSON.stringify({ error: { code: 503, status: 'UNAVAILABLE', message: 'publish timed out' } }));
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ name: 'runs/r1', state: 'QUEUED' }));
    });
    try {
      const submission = { schemaVersion: 1 as const, agent: { name: 'projects/p/locations/l/collections/c/engines/e/agents/a' }, input: 'hi', userId: 'ada', idempotencyKey: 'key-1' };
      expect(await createWithRetries(createApiClient(url, 'token'), submission)).toMatchObject({ name: 'runs/r1' });
      expect(requestIds).toEqual(['key-1', 'key-1', 'key-1']);
    } finally {
      await close(server);
    }
  });
});
