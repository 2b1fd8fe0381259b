import type { Step } from '../domain/step.ts';
import { parseToolArguments } from '../tools/execute-tool-call.ts';
import { ToolFailure, type LongRunningProgress, type LongRunningTool, type ToolContext } from '../tools/tool.ts';

/**
 * One attempt at a long-running tool's call (docs/architecture.md, "Long-running tools"): it
 * follows the work the step recorded (`remoteTask`), or else starts it — telling the tool when an
 * earlier attempt may have started it already (`prior`: the intent was committed, the task not),
 * so the tool finds that work by the call's key instead of starting a second. Bad arguments and
 * `ToolFailure`s end the call with an error for the model; other errors escape to be retried.
 */
export async function advanceLongRunningTool(tool: LongRunningTool, step: Step, args: unknown, context: ToolContext, prior: boolean): Promise<LongRunningProgress> {
  const parsed = parseToolArguments(tool, args);
  if ('error' in parsed) return { kind: 'done', result: { response: parsed } };
  try {
    return step.remoteTask ? await tool.follow(parsed.data, step.remoteTask, context) : await tool.start(parsed.data, context, prior);
  } catch (error) {
    if (error instanceof ToolFailure) return { kind: 'done', result: { response: { error: error.message } } };
    throw error;
  }
}
