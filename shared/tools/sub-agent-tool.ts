import { z } from 'zod';
import type { Run, RunSubAgent } from '../domain/run.ts';
import type { ToolDescription } from './tool.ts';

/** The arguments of every sub-agent function: one request, in plain language. */
export interface SubAgentInput {
  request: string;
}

/**
 * How the model sees a registered A2A sub-agent: a function named `toolName`, described by the
 * agent's card, taking one required `request` string. ADK's AgentTool takes a single `request`
 * string the same way. The remote sees only that request, never the run's conversation.
 */
export function subAgentTool(subAgent: RunSubAgent): ToolDescription<SubAgentInput> {
  const { remoteAgent } = subAgent;
  return {
    name: subAgent.toolName,
    description: remoteAgent.description.trim() || `Asks the remote agent ${remoteAgent.name}.`,
    inputSchema: z.object({
      request: z
        .string()
        .describe(`What to ask ${remoteAgent.name}, complete in itself: it sees nothing else of this conversation.`),
    }),
  };
}

/** The run's sub-agents as tools, in the order the agent lists them; empty when it has none. */
export function subAgentToolsOf(run: Run): ToolDescription<SubAgentInput>[] {
  return (run.agent?.subAgents ?? []).map(subAgentTool);
}

/** The sub-agent the model called by `toolName`, if that name is one of the run's sub-agents. */
export function subAgentByToolName(run: Run, toolName: string): RunSubAgent | undefined {
  return run.agent?.subAgents?.find((subAgent) => subAgent.toolName === toolName);
}
