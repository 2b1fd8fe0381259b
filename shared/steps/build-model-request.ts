import type { Run } from '../domain/run.ts';
import type { RunEvent } from '../domain/run-event.ts';
import type { ModelRequest } from '../ports/model-client.ts';
import { toFunctionDeclaration } from '../tools/to-function-declaration.ts';
import { subAgentToolsOf } from '../tools/sub-agent-tool.ts';
import type { Tool, ToolDescription } from '../tools/tool.ts';
import type { OpenApiCaller } from '../tools/openapi/call-operation.ts';
import { openApiToolsOf } from '../tools/openapi/openapi-tools.ts';
import type { McpAccess } from '../tools/mcp/mcp-client.ts';
import { createMcpCaller, mcpToolsOf } from '../tools/mcp/mcp-tools.ts';

/**
 * The request a model step sends: the agent's instruction and functions (its tools, then its
 * sub-agents) over the whole conversation.
 */
export function buildModelRequest(run: Run, events: readonly RunEvent[], tools: readonly ToolDescription[]): ModelRequest {
  const definition = run.agent?.definition;
  if (!definition) throw new Error(`Run ${run.runId} has no agent`);
  return {
    model: definition.model,
    ...(definition.instruction ? { systemInstruction: definition.instruction } : {}),
    contents: events.map((event) => event.content),
    functionDeclarations: tools.map(toFunctionDeclaration),
    ...(definition.generateContentConfig ? { generationConfig: definition.generateContentConfig } : {}),
    streaming: run.runConfig?.streamingMode ?? 'NONE',
  };
}

/** What calls a run's toolsets' tools: OpenAPI operations, MCP servers. */
export interface ToolsetCallers {
  openApi?: OpenApiCaller | undefined;
  mcp?: McpAccess | undefined;
}

/**
 * The agent's tools, in the order the agent lists them (names it lists but we lack are skipped),
 * then its OpenAPI operations and its MCP tools as the run snapshotted them.
 */
export function toolsOfAgent(run: Run, available: readonly Tool[], callers: ToolsetCallers = {}): Tool[] {
  const names = run.agent?.definition?.tools ?? [];
  return [
    ...names.flatMap((name) => available.filter((tool) => tool.name === name)),
    ...openApiToolsOf(run, callers.openApi),
    ...mcpToolsOf(run, callers.mcp ? createMcpCaller(callers.mcp) : undefined),
  ];
}

/** Every function the run's model may call: the agent's tools, then its sub-agents. */
export function functionsOfAgent(run: Run, available: readonly Tool[], callers: ToolsetCallers = {}): ToolDescription[] {
  return [...toolsOfAgent(run, available, callers), ...subAgentToolsOf(run)];
}
