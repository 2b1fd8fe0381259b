import { InvalidInputError } from '../domain/errors.ts';
import { calculatorTool } from './calculator.ts';
import { convertTimeTool } from './convert-time.ts';
import { currentTimeTool } from './current-time.ts';
import { unknownToolMessage } from './execute-tool-call.ts';
import type { ImmediateTool, Tool } from './tool.ts';
import { createExecuteCodeTool, executeCodeToolName } from './execute-code/execute-code-tool.ts';
import { createRenderChartTool, renderChartToolName } from './render-chart/render-chart-tool.ts';
import { browseToolName, createBrowseTool } from './browse/browse-tool.ts';

/** Every tool an agent config may name. */
export const builtinTools: readonly ImmediateTool[] = [calculatorTool, convertTimeTool, currentTimeTool];

/** Names of every built-in an agent config may name, sorted: `builtinTools`, and `execute_code`, `render_chart` and `browse` (built with the artifact store). */
export const builtinToolNames: readonly string[] = [...builtinTools.map((tool) => tool.name), executeCodeToolName, renderChartToolName, browseToolName].sort();

/** Every built-in as a description (those built with a store or a launcher, without one): what `agentline tools list` shows. */
export function describedBuiltinTools(): Tool[] {
  return [...builtinTools, createExecuteCodeTool(undefined), createRenderChartTool(undefined), createBrowseTool(undefined, undefined)];
}

/**
 * The tools with these names, in the order given. Throws `InvalidInputError` for a name that is
 * not available, listing the names that are, so a config author can fix the typo.
 */
export function resolveTools(names: readonly string[], available: readonly Tool[] = builtinTools): Tool[] {
  const byName = new Map(available.map((tool) => [tool.name, tool]));
  return names.map((name) => {
    const tool = byName.get(name);
    if (tool === undefined) throw new InvalidInputError(unknownToolMessage(name, available));
    return tool;
  });
}
