import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createGuardedFetch } from '../shared/adapters/http/guarded-fetch.ts';
import { InMemoryToolCredentials } from '../shared/adapters/in-memory/in-memory-tool-credentials.ts';
import type { McpTool } from '../shared/domain/mcp-toolset.ts';
import type { OpenApiOperation } from '../shared/domain/openapi-operation.ts';
import { startMcpHttpServer } from '../shared/testing/mcp-test-server.ts';
import { startPetstoreServer } from '../shared/testing/petstore-server.ts';
import { createMcpCaller } from '../shared/tools/mcp/mcp-tools.ts';
import { createOpenApiCaller } from '../shared/tools/openapi/call-operation.ts';
import { median } from './stats.ts';

export interface ToolsetFigures {
  /** An OpenAPI GET through the caller (guarded fetch, arguments placed, answer read), ms. */
  openApiMs: number;
  /** The same request with plain fetch, ms. */
  openApiDirectMs: number;
  /** An MCP tool call through the caller: a session opened (initialize) and closed per call, ms. */
  mcpMs: number;
  /** The same call on one SDK session kept open, ms. */
  mcpKeptSessionMs: number;
  samples: number;
}

/**
 * What a toolset call costs over the request itself, against local servers (so the figure is our
 * overhead, not a network's): OpenAPI through the guarded caller vs plain fetch, and MCP with a
 * session per call (what keeps a restarted server from being a dead session) vs one kept session.
 */
export async function measureToolsets(samples: number): Promise<ToolsetFigures> {
  const petstore = await startPetstoreServer();
  const mcp = await startMcpHttpServer();
  const guarded = createGuardedFetch({ allowLoopback: true, timeoutMs: 10_000, maxResponseBytes: 1024 * 1024 });
  try {
    const context = { runId: 'rbench', stepId: '1-tool-0', attempt: 1, idempotencyKey: 'rbench/1-tool-0', deadline: Date.now() + 3_600_000, now: Date.now };
    const operation: OpenApiOperation = {
      toolName: 'list_pets',
      description: 'List the pets of a store',
      method: 'GET',
      serverUrl: `${petstore.origin}/v1`,
      pathTemplate: '/stores/{storeId}/pets',
      parameters: [{ name: 'storeId', in: 'path', argument: 'storeId', required: true }],
      parametersJsonSchema: { type: 'object' },
    };
    const openApi = createOpenApiCaller({ fetch: guarded.fetch, credentials: new InMemoryToolCredentials() });
    const openApiMs = await timed(samples, () => openApi.call(operation, { storeId: 'north' }, context));
    const openApiDirectMs = await timed(samples, async () => (await fetch(`${petstore.origin}/v1/stores/north/pets`)).json());

    const tool: McpTool = {
      toolName: 'get_forecast',
      serverToolName: 'get_forecast',
      description: '',
      parametersJsonSchema: { type: 'object' },
      annotations: { readOnlyHint: true },
      connection: { transport: 'streamable_http', url: mcp.url },
    };
    const caller = createMcpCaller({ fetch: guarded.fetch, credentials: new InMemoryToolCredentials(), allowStdio: false });
    const mcpMs = await timed(samples, () => caller.call(tool, { city: 'Oslo' }, context));
    const client = new Client({ name: 'bench', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcp.url)));
    const mcpKeptSessionMs = await timed(samples, () => client.callTool({ name: 'get_forecast', arguments: { city: 'Oslo' } }));
    await client.close();
    return { openApiMs, openApiDirectMs, mcpMs, mcpKeptSessionMs, samples };
  } finally {
    await guarded.close();
    await petstore.close();
    await mcp.close();
  }
}

/** The median of `samples` timed calls, after two untimed ones (connections and JIT warm). */
async function timed(samples: number, call: () => Promise<unknown>): Promise<number> {
  await call();
  await call();
  const times: number[] = [];
  for (let sample = 0; sample < samples; sample++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  return median(times);
}
