import { parseAgentConfigYaml } from '../agent-config.ts';
import { AgentlineError } from '../errors.ts';

/**
 * Model ids agentline passes to @google/genai: a bare id (`gemini-2.5-flash`), `models/{id}`,
 * or a Vertex AI publisher model path. Lowercase letters, digits, dots, hyphens, underscores.
 */
const modelIdPattern = /^(?:models\/|publishers\/[a-z0-9-]+\/models\/|projects\/[^/\s]+\/locations\/[^/\s]+\/publishers\/[a-z0-9-]+\/models\/)?[a-z0-9][a-z0-9._-]{0,127}$/;

/**
 * Why an ADK Agent Config cannot deploy, or undefined when it can: the YAML must parse, its tools
 * must be built-in tools, its model name well formed, and each sub-agent a registered agent
 * (looked up by `subAgentExists`, for definitions that list any).
 */
export async function adkDeploymentProblem(
  configYaml: string,
  options: { availableTools: readonly string[]; subAgentExists: (name: string) => Promise<boolean> },
): Promise<string | undefined> {
  let definition;
  try {
    definition = parseAgentConfigYaml(configYaml, { fileName: 'adkAgentDefinition.agentConfig', availableTools: options.availableTools });
  } catch (error) {
    if (error instanceof AgentlineError && !error.retryable) return error.message;
    throw error;
  }
  if (!modelIdPattern.test(definition.model)) {
    return `adkAgentDefinition.agentConfig: model: "${definition.model}" is not a well-formed model name (expected e.g. gemini-2.5-flash or models/gemini-2.5-flash)`;
  }
  const subAgents = (definition as { subAgents?: readonly { name: string }[] }).subAgents ?? [];
  const missing: string[] = [];
  for (const subAgent of subAgents) if (!(await options.subAgentExists(subAgent.name))) missing.push(subAgent.name);
  if (missing.length > 0) return `adkAgentDefinition.agentConfig: sub_agents: not registered agents: ${missing.join(', ')}`;
  return undefined;
}
