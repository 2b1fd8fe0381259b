import { parseA2aAgentCard } from '../domain/a2a-agent-card.ts';
import { referencedAgentNames, type AgentDefinition } from '../domain/agent-config.ts';
import { InvalidInputError } from '../domain/errors.ts';
import type { RunSubAgent } from '../domain/run.ts';
import { subAgentToolNames } from '../domain/sub-agent-tool-name.ts';
import type { AgentCatalog } from '../ports/agent-catalog.ts';
import { authorizeRunStart } from './authorize-run-start.ts';

/** Error code of a run whose agent lists a sub-agent kind agentline cannot call yet. */
export const subAgentNotSupportedCode = 'UNIMPLEMENTED';

/**
 * Resolves an ADK definition's sub-agents for a run submitted by `userId`, in order: each must
 * pass the same checks as a run's own agent (visible, authorized, in a runnable state — see
 * `authorizeRunStart`), and be an A2A agent with a card this version can call. The result is
 * snapshotted on the run, so the run keeps calling what it was submitted with. `reservedToolNames`
 * (the built-in tools) are never given to a sub-agent.
 *
 * @throws PermissionDeniedError / FailedPreconditionError (AGENT_NOT_RUNNABLE) naming the
 *   sub-agent; InvalidInputError for an ADK sub-agent (UNIMPLEMENTED) or an invalid stored card.
 */
export async function resolveSubAgents(
  agents: AgentCatalog,
  definition: AgentDefinition,
  userId: string | undefined,
  reservedToolNames: readonly string[],
): Promise<RunSubAgent[]> {
  const names = referencedAgentNames(definition);
  const toolNames = subAgentToolNames(names, reservedToolNames);
  const resolved: RunSubAgent[] = [];
  for (const [index, name] of names.entries()) {
    const agent = await authorizeRunStart(agents, name, userId, 'sub-agent');
    if (agent.definition.kind === 'adk') {
      throw new InvalidInputError(
        `Sub-agent ${name} is an ADK agent; ADK sub-agents are not supported yet, only registered A2A agents can be sub-agents`,
        { code: subAgentNotSupportedCode },
      );
    }
    if (agent.definition.kind === 'unsupported') {
      throw new InvalidInputError(`Sub-agent ${name} has a ${agent.definition.definitionType}, which agentline cannot run`);
    }
    const remoteAgent = parseA2aAgentCard(agent.definition.agentCard, `agent card of sub-agent ${name}`);
    resolved.push({ name, toolName: toolNames[index]!, remoteAgent });
  }
  return resolved;
}
