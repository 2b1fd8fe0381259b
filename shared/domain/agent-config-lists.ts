import { describeType, isPlainObject, joinPath, readKnownFields } from './config-problems.ts';
import type { AgentFieldContext } from './agent-config-fields.ts';
import { openApiToolsetNames, readOpenApiToolset } from './agent-config-openapi.ts';
import { mcpToolsetNames, readMcpToolset } from './agent-config-mcp.ts';

/** The `tools` list of an agent config (ADK ToolConfig entries); `sub_agents` is read in agent-config-sub-agents.ts. */

/**
 * `tools`: each entry is ADK's ToolConfig `{name, args?}` or, as an agentline shorthand, just the
 * name. Names must be tools this deployment has; each may appear once, since the model would get
 * two function declarations with one name. `args` configure ADK's Python tool classes; our
 * built-in tools take none, so ADK's safety rule (args only for tools that declare they accept
 * them) refuses every non-empty `args`.
 */
export function readTools(value: unknown, context: AgentFieldContext): void {
  if (value === null) return;
  if (!Array.isArray(value)) {
    context.problems.push({ path: context.key, message: `expected a list of tools, got ${describeType(value)}` });
    return;
  }
  const available = new Set(context.availableTools);
  const seen = new Set<string>();
  value.forEach((entry: unknown, index) => {
    const path = joinPath(context.key, index);
    const toolName = readToolEntry(entry, path, context);
    if (toolName === undefined) return;
    if (!available.has(toolName)) {
      context.problems.push({ path, message: unknownToolMessage(toolName, context.availableTools) });
    } else if (seen.has(toolName)) {
      context.problems.push({ path, message: `Tool "${toolName}" is listed more than once` });
    } else {
      seen.add(toolName);
      context.draft.tools.push(toolName);
    }
  });
}

/** The entry's tool name, or undefined after recording why it is unusable. */
function readToolEntry(entry: unknown, path: string, context: AgentFieldContext): string | undefined {
  if (typeof entry === 'string') return nonEmptyName(entry, path, context);
  if (!isPlainObject(entry)) {
    context.problems.push({ path, message: `expected a tool name or a mapping {name, args}, got ${describeType(entry)}` });
    return undefined;
  }
  const { fields, problems } = readKnownFields(entry, ['name', 'args'], path, { acceptCamelCase: false });
  context.problems.push(...problems);
  const name = fields.get('name');
  if (typeof name?.value === 'string' && openApiToolsetNames.has(name.value)) {
    readOpenApiToolset(fields.get('args')?.value ?? null, path, context);
    return undefined;
  }
  if (typeof name?.value === 'string' && mcpToolsetNames.has(name.value)) {
    readMcpToolset(fields.get('args')?.value ?? null, path, context);
    return undefined;
  }
  if (name === undefined) {
    context.problems.push({ path: joinPath(path, 'name'), message: 'is required' });
    return undefined;
  }
  if (typeof name.value !== 'string') {
    context.problems.push({ path: joinPath(path, 'name'), message: `expected a string, got ${describeType(name.value)}` });
    return undefined;
  }
  const args = fields.get('args')?.value ?? null;
  if (args !== null && !isPlainObject(args)) {
    context.problems.push({ path: joinPath(path, 'args'), message: `expected a mapping, got ${describeType(args)}` });
  } else if (args !== null && Object.keys(args).length > 0) {
    context.problems.push({ path: joinPath(path, 'args'), message: `Not supported: tool "${name.value}" takes no args` });
  }
  return nonEmptyName(name.value, path, context);
}

function nonEmptyName(name: string, path: string, context: AgentFieldContext): string | undefined {
  if (name.trim() !== '') return name;
  context.problems.push({ path, message: 'tool name must not be empty' });
  return undefined;
}

function unknownToolMessage(toolName: string, availableTools: readonly string[]): string {
  const available = availableTools.length > 0 ? `Available tools: ${[...availableTools].sort().join(', ')}` : 'No tools are available';
  // ADK names user tools by Python path (my_pkg.tools.my_tool); say why that cannot work here.
  const why = toolName.includes('.') ? ' (Python tools cannot be loaded)' : '';
  return `Unknown tool "${toolName}"${why}. ${available}`;
}
