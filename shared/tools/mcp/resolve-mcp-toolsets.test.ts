import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryToolCredentials } from '../../adapters/in-memory/in-memory-tool-credentials.ts';
import { createGuardedFetch } from '../../adapters/http/guarded-fetch.ts';
import { InvalidInputError, TransientError } from '../../domain/errors.ts';
import { mcpLimits, type McpToolsetConfig } from '../../domain/mcp-toolset.ts';
import { createMcpCaller } from './mcp-tools.ts';
import { resolveMcpToolsets } from './resolve-mcp-toolsets.ts';

const outbound = createGuardedFetch({ allowLoopback: true, timeoutMs: 30_000, maxResponseBytes: 4 * 1024 * 1024 });
const access = { fetch: outbound.fetch, credentials: new InMemoryToolCredentials(), allowStdio: false };
const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); })));
});

/** An HTTP server on loopback answering each request with `handle`; its URL. */
async function serve(handle: (request: IncomingMessage, response: ServerResponse) => void | Promise<void>): Promise<string> {
  const server = createServer((request, response) => void handle(request, response));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

/** An MCP server whose tools/list answers with `listTools` (counting its calls). */
async function mcpServer(listTools: (cursor: string | undefined) => Promise<{ tools: { name: string; inputSchema: { type: 'object' } }[]; nextCursor?: string }>) {
  const calls = { list: 0 };
  const url = await serve(async (request, response) => {
    const server = new Server({ name: 'test', version: '1' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async (listRequest) => {
      calls.list++;
      return listTools(listRequest.params?.cursor);
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    response.on('close', () => void server.close());
    await server.connect(transport);
    await transport.handleRequest(request, response);
  });
  return { url, calls };
}

const toolset = (url: string): McpToolsetConfig => ({ connection: { transport: 'streamable_http', url, headers: {} } }) as McpToolsetConfig;
const resolve = (urls: string[], listBudgetMs?: number) =>
  resolveMcpToolsets(urls.map((url, index) => ({ index, config: toolset(url) })), { source: 'agent.yaml', reservedNames: [], access, ...(listBudgetMs ? { listBudgetMs } : {}) });

/** A stateful MCP server (a session per client, kept until deleted) with one read-only tool; the sessions it holds. */
async function statefulServer() {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const deleted: string[] = [];
  const url = await serve(async (request, response) => {
    const id = request.headers['mcp-session-id'];
    if (typeof id === 'string') {
      if (request.method === 'DELETE') deleted.push(id);
      return sessions.get(id)?.handleRequest(request, response) ?? void response.writeHead(404).end();
    }
    const server = new Server({ name: 'stateful', version: '1' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [{ name: 'look', inputSchema: { type: 'object' as const }, annotations: { readOnlyHint: true } }] }));
    server.setRequestHandler(CallToolRequestSchema, async () => ({ content: [{ type: 'text' as const, text: 'seen' }] }));
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sessionId) => void sessions.set(sessionId, transport),
    });
    transport.onclose = () => void (transport.sessionId && sessions.delete(transport.sessionId));
    await server.connect(transport);
    await transport.handleRequest(request, response);
  });
  return { url, sessions, deleted };
}

describe('MCP sessions', () => {
  it('ends its session with a stateful server after listing and after each call, leaving none open there', async () => {
    const server = await statefulServer();
    const [tool] = await resolve([server.url]);
    expect(server.deleted).toHaveLength(1);
    expect(server.sessions.size).toBe(0);
    const answer = await createMcpCaller(access).call(tool!, {}, { runId: 'r', stepId: 's', attempt: 1, idempotencyKey: 'r/s', deadline: Date.now() + 30_000, now: Date.now });
    expect(answer).toMatchObject({ text: 'seen' });
    expect(server.deleted).toHaveLength(2);
    expect(server.sessions.size).toBe(0);
  });
});

describe('an MCP call that fails after it was sent', () => {
  it('tells the model the call may or may not have taken effect when its answer is refused (larger than allowed)', async () => {
    const url = await serve(async (request, response) => {
      const server = new Server({ name: 'big', version: '1' }, { capabilities: { tools: {} } });
      server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [{ name: 'write', inputSchema: { type: 'object' as const } }] }));
      server.setRequestHandler(CallToolRequestSchema, async () => ({ content: [{ type: 'text' as const, text: 'x'.repeat(200_000) }] }));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      response.on('close', () => void server.close());
      await server.connect(transport);
      await transport.handleRequest(request, response);
    });
    const [tool] = await resolve([url]);
    const small = createGuardedFetch({ allowLoopback: true, timeoutMs: 30_000, maxResponseBytes: 50_000 });
    const call = createMcpCaller({ ...access, fetch: small.fetch }).call(tool!, {}, { runId: 'r', stepId: 's', attempt: 1, idempotencyKey: 'r/s', deadline: Date.now() + 30_000, now: Date.now });
    await expect(call).rejects.toThrow(/^MCP tool write failed after the call was sent \(.*larger than 50000 bytes.*\); it may or may not have taken effect, and is not called again$/);
    await small.close();
  });
});

describe('resolveMcpToolsets', () => {
  it('refuses more toolsets than an agent may have before reaching any server', async () => {
    const urls = Array.from({ length: mcpLimits.maxToolsets + 1 }, (_, index) => `http://127.0.0.1:1/${index}`);
    await expect(resolve(urls)).rejects.toThrow(new InvalidInputError(`agent.yaml: ${mcpLimits.maxToolsets + 1} MCP toolsets, over the limit of ${mcpLimits.maxToolsets} per agent`));
  });

  it('stops reading pages once the server has listed more tools than an agent may have', async () => {
    const server = await mcpServer(async (cursor) => {
      const page = Number(cursor ?? 0);
      return { tools: Array.from({ length: 10 }, (_, index) => ({ name: `tool_${page}_${index}`, inputSchema: { type: 'object' as const } })), nextCursor: String(page + 1) };
    });
    await expect(resolve([server.url])).rejects.toThrow(/the MCP toolsets expose 70 tools, over the limit of 64 per agent/);
    expect(server.calls.list).toBe(7);
  });

  it('ends a listing that outlasts its budget as a transient failure (the deploy or the run start is tried again), naming the toolset', async () => {
    const hanging = await mcpServer(() => new Promise(() => {}));
    const started = Date.now();
    const failure = await resolve([hanging.url], 1_000).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransientError);
    expect((failure as Error).message).toMatch(new RegExp(`^agent.yaml: tools\\[0\\] \\(MCPToolset ${hanging.url}\\): could not list its tools: `));
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('keeps a server answering 503 transient, and one that is not an MCP server a config error', async () => {
    const overloaded = await serve((_, response) => void response.writeHead(503).end('busy'));
    await expect(resolve([overloaded])).rejects.toBeInstanceOf(TransientError);
    const notMcp = await serve((_, response) => void response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>no</h1>'));
    await expect(resolve([notMcp])).rejects.toBeInstanceOf(InvalidInputError);
  });
});
