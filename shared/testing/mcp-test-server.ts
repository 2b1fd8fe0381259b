import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

/** What a test MCP server was asked to do, across its restarts. */
export interface McpTestServerState {
  notes: string[];
  forecasts: string[];
  /** The Authorization header of each HTTP request (undefined when none was sent). */
  authorizations: (string | undefined)[];
}

/**
 * An MCP server built with the SDK for tests (docs/architecture.md, "MCP toolsets"):
 * `get_forecast` only reads (readOnlyHint), `add_note` has an effect (no hints), `refuse` answers
 * an error. `extraTools` adds `delete_all` (destructive) to show a server whose tools changed.
 */
export function buildMcpTestServer(state: McpTestServerState, options: { extraTools?: boolean } = {}): McpServer {
  const server = new McpServer({ name: 'agentline-test', version: '1.0.0' });
  server.registerTool(
    'get_forecast',
    { description: 'The weather forecast for a city.', inputSchema: { city: z.string().describe('The city') }, annotations: { readOnlyHint: true } },
    async ({ city }) => {
      state.forecasts.push(city);
      return { content: [{ type: 'text', text: `Sunny in ${city}` }] };
    },
  );
  server.registerTool('add_note', { description: 'Adds a note to the shared notebook.', inputSchema: { text: z.string() } }, async ({ text }) => {
    state.notes.push(text);
    return { content: [{ type: 'text', text: `noted #${state.notes.length}` }], structuredContent: { count: state.notes.length } };
  });
  server.registerTool('refuse', { description: 'Always answers an error.', inputSchema: {} }, async () => ({ content: [{ type: 'text', text: 'not today' }], isError: true }));
  if (options.extraTools) {
    server.registerTool('delete_all', { description: 'Deletes every note.', inputSchema: {}, annotations: { destructiveHint: true } }, async () => {
      state.notes.length = 0;
      return { content: [{ type: 'text', text: 'deleted' }] };
    });
  }
  return server;
}

/**
 * The test server over streamable HTTP (stateless: a transport per request), on 127.0.0.1.
 * `restart()` stops it and starts it again on the same port, as a redeployed server would be.
 */
export async function startMcpHttpServer(options: { extraTools?: boolean } = {}) {
  const state: McpTestServerState = { notes: [], forecasts: [], authorizations: [] };
  let extraTools = options.extraTools ?? false;
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    state.authorizations.push(request.headers.authorization);
    const server = buildMcpTestServer(state, { extraTools });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    response.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request, response);
  };
  const listen = (port: number) =>
    new Promise<Server>((resolve) => {
      const http = createServer((request, response) => void handle(request, response));
      http.listen(port, '127.0.0.1', () => resolve(http));
    });
  let http = await listen(0);
  const port = (http.address() as AddressInfo).port;
  const stop = async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  };
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    state,
    /** Stops and starts the server on its port; `changed` gives it another tool from then on. */
    async restart(changed = extraTools) {
      await stop();
      extraTools = changed;
      http = await listen(port);
    },
    close: stop,
  };
}
export type McpHttpTestServer = Awaited<ReturnType<typeof startMcpHttpServer>>;
