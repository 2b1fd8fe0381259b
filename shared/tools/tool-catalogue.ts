import type { AgentDefinition } from '../domain/agent-config.ts';
import { isRepeatableMethod, type OpenApiOperation } from '../domain/openapi-operation.ts';
import { isRepeatableMcpTool, type McpTool } from '../domain/mcp-toolset.ts';
import { subAgentToolNames } from '../domain/sub-agent-tool-name.ts';
import { isLongRunning, type Tool } from './tool.ts';

/** One tool an agent would get, as `agentline tools list` shows it (docs/architecture.md, "Tool catalogue"). */
export interface CatalogueEntry {
  /** The function name the model calls. */
  name: string;
  source: 'built-in' | 'OpenAPI' | 'MCP' | 'sub-agent';
  /** How a redelivered step treats the call. */
  repeatability: 'repeatable' | 'once per call' | 'once per call, followed to its end';
  /** What must be granted before a call can run. */
  authorization: string;
  description: string;
}

/**
 * Every tool of `definition` (every built-in when there is none), in the order the model is
 * given them: its tools, its OpenAPI toolsets' operations (`operations`, as resolved from its
 * documents), its MCP toolsets' tools (`mcpTools`, as listed from their servers), then its
 * sub-agents under the function names a run gives them.
 */
export function toolCatalogue(
  definition: Pick<AgentDefinition, 'tools' | 'subAgents'> | undefined,
  builtins: readonly Tool[],
  operations: readonly OpenApiOperation[] = [],
  mcpTools: readonly McpTool[] = [],
): CatalogueEntry[] {
  const byName = new Map(builtins.map((tool) => [tool.name, tool]));
  const names = definition ? definition.tools : builtins.map((tool) => tool.name).sort();
  const tools = names.map((name): CatalogueEntry => {
    const tool = byName.get(name);
    if (!tool) return { name, source: 'built-in', repeatability: 'once per call', authorization: 'none', description: '(not a tool of this version)' };
    return { name, source: 'built-in', repeatability: repeatabilityOf(tool), authorization: 'none', description: tool.description };
  });
  const subAgents = definition?.subAgents ?? [];
  // Named as a run names them: never a built-in's name, whether or not the agent has that built-in.
  const subAgentNames = subAgentToolNames(subAgents, [...builtins.map((tool) => tool.name), ...operations.map((operation) => operation.toolName), ...mcpTools.map((tool) => tool.toolName)]);
  return [
    ...tools,
    ...operations.map((operation): CatalogueEntry => ({
      name: operation.toolName,
      source: 'OpenAPI',
      // A write is sent again after a crash only with the same Idempotency-Key (docs/architecture.md, "OpenAPI toolsets").
      repeatability: isRepeatableMethod(operation.method) ? 'repeatable' : 'once per call',
      authorization: operation.auth ? `${operation.auth.scheme} from ${operation.auth.authorization}` : 'none',
      description: `${operation.method} ${operation.serverUrl}${operation.pathTemplate}. ${operation.description}`,
    })),
    ...mcpTools.map((tool): CatalogueEntry => ({
      name: tool.toolName,
      source: 'MCP',
      // MCP has no key to resend with: a call that may have reached the server is never sent again.
      repeatability: isRepeatableMcpTool(tool) ? 'repeatable' : 'once per call',
      authorization: tool.auth ? `${tool.auth.scheme} from ${tool.auth.authorization}` : 'none',
      description: `${tool.serverToolName} on ${tool.connection.transport === 'stdio' ? `stdio ${tool.connection.command}` : tool.connection.url}${tool.annotations.destructiveHint ? ' (destructive)' : ''}. ${tool.description}`,
    })),
    ...subAgents.map((agent, index): CatalogueEntry => ({
      name: subAgentNames[index]!,
      source: 'sub-agent',
      // A message sent to a remote agent is not sent twice: its task is followed instead.
      repeatability: 'once per call, followed to its end',
      authorization: `the run's user may use ${agent}`,
      description: `Asks the registered agent ${agent} (its card's description at run time).`,
    })),
  ];
}

function repeatabilityOf(tool: Tool): CatalogueEntry['repeatability'] {
  if (isLongRunning(tool)) return 'once per call, followed to its end';
  return tool.repeatable ? 'repeatable' : 'once per call';
}

/** The catalogue as a table for a terminal: name, source, repeatability, authorization, then the description's first sentence. */
export function formatCatalogue(entries: readonly CatalogueEntry[]): string {
  const header = ['tool', 'source', 'repeatability', 'authorization'];
  const rows = entries.map((entry) => [entry.name, entry.source, entry.repeatability, entry.authorization]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  const described = entries.map((entry, index) => `${line(rows[index]!)}\n    ${firstSentence(entry.description)}`);
  return `${[line(header), ...described].join('\n')}\n`;
}

function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return end === -1 ? text : text.slice(0, end + 1);
}
