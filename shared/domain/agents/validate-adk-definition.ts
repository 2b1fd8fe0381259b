import { parseAgentConfigYaml, referencedAgentNames } from '../agent-config.ts';
import { AgentlineError } from '../errors.ts';

/**
 * Model ids agentline passes to @google/genai: a bare id (`gemini-2.5-flash`), `models/{id}`,
 * or a Vertex AI publisher model path. Lowercase letters, digits, dots, hyphens, underscores.
 */
const modelIdPattern = /^(?:models\/|publishers\/[a-z0-9-]+\/models\/|projects\/[^/\s]+\/locations\/[^/\s]+\/publishers\/[a-z0-9-]+\/models\/)?[a-z0-9][a-z0-9._-]{0,127}$/;

/**
 * Why an ADK Agent Config cannot deploy, or undefined when it can: the YAML must parse, its tools
 * must be built-in tools, its model name well formed, and each sub-agent one it may call
 * (`subAgentProblem` says why one is not, e.g. not registered or not an A2A agent).
 */
export async function adkDeploymentProblem(
  configYaml: string,
  options: { availableTools: readonly string[]; subAgentProblem: (name: string) => Promise<string | undefined> },
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
  const problems: string[] = [];
  for (const [index, name] of referencedAgentNames(definition).entries()) {
    const problem = await options.subAgentProblem(name);
    if (problem) problems.push(`adkAgentDefinition.agentConfig: sub_agents[${index}]: ${problem}`);
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}
