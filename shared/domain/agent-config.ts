import { createHash } from 'node:crypto';
import { LineCounter, parseDocument, stringify, type YAMLError } from 'yaml';
import { z } from 'zod';
import { agentResourceNamePattern } from './agent-resource-name.ts';
import { AGENT_NAME_PATTERN, DEFAULT_MODEL, agentFieldRules, type AgentDraft } from './agent-config-fields.ts';
import { ConfigValidationError, describeType, isPlainObject, readKnownFields } from './config-problems.ts';
import { InvalidInputError } from './errors.ts';
import { generationConfigSchema, toAdkGenerateContentConfig } from './generate-content-config.ts';
import { openApiToolsetConfigSchema } from './openapi-toolset-config.ts';
import { toOpenApiToolsetEntry } from './openapi-toolset-entry.ts';
import { mcpToolsetConfigSchema } from './mcp-toolset.ts';
import { toMcpToolsetEntry } from './agent-config-mcp.ts';

export { DEFAULT_MODEL } from './agent-config-fields.ts';

/**
 * An agent as agentline runs it: the parts of an ADK LlmAgent config the pipeline honours, in our
 * own camelCase. Stored with agents and snapshotted on every run.
 */
export const agentDefinitionSchema = z.strictObject({
  /** ADK agent name: a letter or underscore, then letters, digits, underscores; never `user`. */
  name: z.string().regex(AGENT_NAME_PATTERN).refine((name) => name !== 'user', 'Agent name cannot be `user`'),
  /** Gemini model id, e.g. `gemini-2.5-flash`. */
  model: z.string().min(1),
  /** Empty when the config has none. */
  description: z.string(),
  /** The system instruction; may be empty. */
  instruction: z.string(),
  /** Built-in tool names in the config's order, each once. */
  tools: z.array(z.string()),
  /**
   * `OpenAPIToolset` entries of `tools`, in order: where each document is and which operations
   * it exposes (resolved at deploy, docs/architecture.md "OpenAPI toolsets"); absent when none,
   * so older definitions keep their version.
   */
  openApiToolsets: z.array(openApiToolsetConfigSchema).min(1).optional(),
  /** `MCPToolset` entries of `tools`, in order (listed at deploy, docs/architecture.md "MCP toolsets"); absent when none. */
  mcpToolsets: z.array(mcpToolsetConfigSchema).min(1).optional(),
  /**
   * Registered agents (resource names) the model may call as tools, from `sub_agents` entries
   * `{agent: ...}`, in order, each once; absent when there are none (so older definitions keep
   * their version).
   */
  subAgents: z.array(z.string().regex(agentResourceNamePattern)).min(1).optional(),
  /** Generation config in the Gemini API's camelCase; absent when the config sets none. */
  generateContentConfig: generationConfigSchema.optional(),
});
export type AgentDefinition = z.infer<typeof agentDefinitionSchema>;

export interface ParseAgentConfigOptions {
  /** Shown at the start of every error line, e.g. `agent.yaml`. */
  fileName: string;
  /** Names of the tools this deployment can run; any other tool name is refused. */
  availableTools: readonly string[];
}

const REQUIRED_FIELDS = ['name', 'instruction'] as const; // as in ADK's LlmAgentConfig

/**
 * Parses ADK Agent Config YAML into an AgentDefinition. The YAML is read as YAML 1.1, as ADK's
 * PyYAML `safe_load` reads it; duplicate keys and unresolved tags (`!!python/...`) are refused.
 *
 * @throws InvalidInputError (code INVALID_ARGUMENT) with one line per problem, every problem found
 *   rather than the first: `<fileName>:<line>:<column>: YAML syntax error: ...` when the text is
 *   not YAML, else a ConfigValidationError with lines `<fileName>: <field path>: <message>`.
 */
export function parseAgentConfigYaml(text: string, options: ParseAgentConfigOptions): AgentDefinition {
  const root = loadYaml(text, options.fileName);
  if (!isPlainObject(root)) {
    throw new ConfigValidationError(options.fileName, [
      { path: '', message: `expected a mapping of agent config fields, got ${describeType(root)}` },
    ]);
  }
  const { fields, problems } = readKnownFields(root, Object.keys(agentFieldRules), '', { acceptCamelCase: false });
  const draft: AgentDraft = { model: DEFAULT_MODEL, description: '', tools: [], openApiToolsets: [], mcpToolsets: [], subAgents: [] };
  for (const [name, { key, value }] of fields) {
    agentFieldRules[name]?.(value, { draft, availableTools: options.availableTools, key, problems });
  }
  for (const required of REQUIRED_FIELDS) {
    if (!fields.has(required)) problems.push({ path: required, message: 'is required' });
  }
  if (problems.length > 0) throw new ConfigValidationError(options.fileName, problems);
  const { subAgents, openApiToolsets, mcpToolsets, ...rest } = draft;
  return agentDefinitionSchema.parse({
    ...rest,
    ...(openApiToolsets.length > 0 ? { openApiToolsets } : {}),
    ...(mcpToolsets.length > 0 ? { mcpToolsets } : {}),
    ...(subAgents.length > 0 ? { subAgents } : {}),
  });
}

/**
 * The registered agents a definition references (its `sub_agents`), as resource names in the
 * config's order; empty when it has none. What deploy validation and submission resolve.
 */
export function referencedAgentNames(definition: AgentDefinition): readonly string[] {
  return definition.subAgents ?? [];
}

function loadYaml(text: string, fileName: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { version: '1.1', prettyErrors: false, uniqueKeys: true, lineCounter });
  // Warnings are refused too: the one that matters is an unresolved tag, which PyYAML's
  // safe_load refuses as well.
  const yamlProblems = [...document.errors, ...document.warnings];
  if (yamlProblems.length > 0) {
    const lines = yamlProblems.map((error) => formatYamlError(fileName, error, lineCounter));
    throw new InvalidInputError(lines.join('\n'), { cause: yamlProblems[0] });
  }
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // toJS throws for alias bombs ("Excessive alias count").
    throw new InvalidInputError(`${fileName}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function formatYamlError(fileName: string, error: YAMLError, lineCounter: LineCounter): string {
  const { line, col } = lineCounter.linePos(error.pos[0]);
  return `${fileName}:${line}:${col}: YAML syntax error: ${error.message}`;
}

/**
 * Writes a definition as ADK Agent Config YAML (tools as ADK ToolConfig `- name: ...` entries,
 * sub-agents as `- agent: ...` entries),
 * for showing or exporting an agent. `parseAgentConfigYaml` of the result gives the same
 * definition, provided its tools are available.
 */
export function toAgentConfigYaml(definition: AgentDefinition): string {
  const config: Record<string, unknown> = {
    agent_class: 'LlmAgent',
    name: definition.name,
    model: definition.model,
    description: definition.description,
    instruction: definition.instruction,
    tools: [...definition.tools.map((tool) => ({ name: tool })), ...(definition.openApiToolsets ?? []).map(toOpenApiToolsetEntry), ...(definition.mcpToolsets ?? []).map(toMcpToolsetEntry)],
  };
  if (definition.subAgents !== undefined) config.sub_agents = definition.subAgents.map((agent) => ({ agent }));
  if (definition.generateContentConfig !== undefined) {
    config.generate_content_config = toAdkGenerateContentConfig(definition.generateContentConfig);
  }
  return stringify(config, { version: '1.1' });
}

/**
 * A stable content hash of a definition: the first 16 hex digits of the SHA-256 of its canonical
 * JSON (keys sorted at every level, undefined left out). Equal definitions give equal versions
 * whatever the key order; any change of content gives a new one.
 */
export function agentDefinitionVersion(definition: AgentDefinition): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex').slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    const entries = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
