import type { z } from 'zod';
import type { ArtifactPart, ImmediateTool, Tool, ToolContext, ToolDescription } from './tool.ts';
import { OutputWithFiles, ToolFailure } from './tool.ts';

/** What goes back to the model for one function call: the tool's output (and files to show) or an error to act on. */
export type ToolCallResult = { output: unknown; files?: readonly ArtifactPart[] } | { error: string };

/**
 * Validates the model's arguments with the tool's schema and runs the tool. Bad arguments and
 * `ToolFailure`s become `{ error }` for the model to read and correct. Any other error
 * (`TransientError`, a bug) is re-thrown unchanged, so the step can be retried or fail loudly.
 *
 * `priorIntent` says an earlier attempt of this call committed an intent record and may have
 * acted: a non-repeatable tool is then asked to reconcile first, and runs only if its effect
 * did not happen. A repeatable tool simply runs again.
 */
export async function executeToolCall(
  tool: ImmediateTool,
  args: unknown,
  context: ToolContext,
  priorIntent = false,
): Promise<ToolCallResult> {
  const parsed = parseToolArguments(tool, args);
  if ('error' in parsed) return parsed;
  try {
    if (!tool.repeatable && priorIntent) {
      const found = await tool.reconcile(context.idempotencyKey, context);
      if (found.happened) return { output: found.output };
    }
    // The parsed value, never the raw arguments: defaults applied, unknown keys dropped.
    const output = await tool.execute(parsed.data, context);
    return output instanceof OutputWithFiles ? { output: output.output, files: output.files } : { output };
  } catch (error) {
    if (error instanceof ToolFailure) return { error: error.message };
    throw error;
  }
}

/** The model's arguments as the tool's schema reads them, or the error for the model to correct. */
export function parseToolArguments<Input>(tool: ToolDescription<Input>, args: unknown): { data: Input } | { error: string } {
  const parsed = tool.inputSchema.safeParse(args);
  if (!parsed.success) return { error: `Invalid arguments for ${tool.name}: ${describeIssues(parsed.error)}` };
  return { data: parsed.data };
}

/** The result for a call to a tool the agent does not have, naming the ones it does. */
export function unknownToolResult(name: string, available: readonly Pick<Tool, 'name'>[]): { error: string } {
  return { error: unknownToolMessage(name, available) };
}

/** `Unknown tool "x". Available tools: a, b` — shared by config errors and model-facing results. */
export function unknownToolMessage(name: string, available: readonly Pick<Tool, 'name'>[]): string {
  const names = available.map((tool) => tool.name).sort();
  return `Unknown tool "${name}". Available tools: ${names.length === 0 ? '(none)' : names.join(', ')}`;
}

// "expression: expected string, received undefined; to_timezone: ..." with the field path first,
// since the model has to know which argument to fix.
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      const message = issue.message.replace(/^Invalid input: /, '');
      return path === '' ? message : `${path}: ${message}`;
    })
    .join('; ');
}
