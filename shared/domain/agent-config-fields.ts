import { describeType, type ConfigProblem } from './config-problems.ts';
import { readTools } from './agent-config-lists.ts';
import { readSubAgents } from './agent-config-sub-agents.ts';
import { parseGenerateContentConfig, type GenerationConfig } from './generate-content-config.ts';
import type { OpenApiToolsetConfig } from './openapi-toolset-config.ts';
import type { McpToolsetConfig } from './mcp-toolset.ts';

/**
 * The fields of ADK's LlmAgentConfig (google/adk-python `agents/llm_agent_config.py`, with
 * BaseAgentConfig's from `base_agent_config.py`) and what each may be here. Anything that names
 * Python code (CodeConfig: callbacks, schemas, model_code) cannot be loaded and is refused;
 * fields that make no difference to a single agent are accepted and dropped.
 */

/** The model an agent uses when its config names none. */
export const DEFAULT_MODEL = 'gemini-2.5-flash';

/** ADK's rule (BaseAgent name validator), restricted to ASCII as our resource ids are. */
export const AGENT_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface AgentDraft {
  name?: string;
  model: string;
  description: string;
  instruction?: string;
  tools: string[];
  /** `OpenAPIToolset` entries of `tools`, in the config's order. */
  openApiToolsets: OpenApiToolsetConfig[];
  /** `MCPToolset` entries of `tools`, in the config's order. */
  mcpToolsets: McpToolsetConfig[];
  /** Registered agents' resource names, in the config's order, each once. */
  subAgents: string[];
  generateContentConfig?: GenerationConfig;
}

export interface AgentFieldContext {
  draft: AgentDraft;
  availableTools: readonly string[];
  /** The key as written, for problem paths. */
  key: string;
  problems: ConfigProblem[];
}

type AgentFieldRule = (value: unknown, context: AgentFieldContext) => void;

function report(context: AgentFieldContext, message: string, path = context.key): void {
  context.problems.push({ path, message });
}

function stringField(apply: (value: string, context: AgentFieldContext) => void, options: { nullIsUnset?: boolean } = {}): AgentFieldRule {
  return (value, context) => {
    if (value === null && options.nullIsUnset) return;
    if (typeof value !== 'string') return report(context, `expected a string, got ${describeType(value)}`);
    apply(value, context);
  };
}

/** Accepted as ADK's default only (`null`, or `[]` for lists); anything else is refused. */
function unsetOnly(why: string, options: { list?: boolean } = {}): AgentFieldRule {
  return (value, context) => {
    if (value === null || (options.list && Array.isArray(value) && value.length === 0)) return;
    if (options.list && !Array.isArray(value)) return report(context, `expected a list, got ${describeType(value)}`);
    report(context, `Not supported: ${why}`);
  };
}

/** Harmless here: accepted after a type check, then dropped. */
function optionalBoolean(): AgentFieldRule {
  return (value, context) => {
    if (value !== null && typeof value !== 'boolean') report(context, `expected a boolean, got ${describeType(value)}`);
  };
}

const LLM_AGENT_CLASSES = new Set(['', 'LlmAgent', 'google.adk.agents.LlmAgent', 'google.adk.agents.llm_agent.LlmAgent']);

const agentClass = stringField((value, context) => {
  if (LLM_AGENT_CLASSES.has(value)) return;
  const kind = value.includes('.') ? 'custom agent classes are Python code, which agentline cannot load' : 'only LlmAgent is supported for now';
  report(context, `Not supported: agent_class "${value}"; ${kind}`);
});

const name = stringField((value, context) => {
  if (!AGENT_NAME_PATTERN.test(value)) {
    // ADK's own wording.
    return report(
      context,
      `Found invalid agent name: \`${value}\`. Agent name must be a valid identifier. It should start with a letter` +
        ' (a-z, A-Z) or an underscore (_), and can only contain letters, digits (0-9), and underscores.',
    );
  }
  if (value === 'user') return report(context, "Agent name cannot be `user`. `user` is reserved for end-user's input.");
  context.draft.name = value;
});

const model = stringField(
  (value, context) => {
    if (value.trim() === '' || /\s/.test(value)) return report(context, `expected a model name such as "${DEFAULT_MODEL}", got "${value}"`);
    context.draft.model = value;
  },
  { nullIsUnset: true }, // ADK: an unset model falls back to the default
);

const includeContents = stringField((value, context) => {
  if (value === 'default') return;
  if (value === 'none') return report(context, 'Not supported: include_contents "none" (sending the model only the current turn) is not implemented yet');
  report(context, `expected "default" or "none", got "${value}"`);
});

const outputKey: AgentFieldRule = (value, context) => {
  if (value === null) return;
  if (typeof value !== 'string') return report(context, `expected a string, got ${describeType(value)}`);
  report(context, 'Not supported: output_key (saving the final answer into session state) is not implemented yet');
};

const accumulateOutputKey: AgentFieldRule = (value, context) => {
  if (value === null || value === false) return;
  if (value !== true) return report(context, `expected a boolean, got ${describeType(value)}`);
  report(context, 'Not supported: accumulate_output_key needs output_key, which is not implemented yet');
};

const generateContentConfig: AgentFieldRule = (value, context) => {
  const { config, problems } = parseGenerateContentConfig(value, context.key);
  context.problems.push(...problems);
  if (config !== undefined) context.draft.generateContentConfig = config;
};

const PYTHON_CODE = 'refers to Python code (a CodeConfig), which agentline cannot load';
const CALLBACKS = `callbacks are Python functions, which agentline cannot load`;

/** Every LlmAgentConfig field (BaseAgentConfig's included) by its ADK name. */
export const agentFieldRules: Readonly<Record<string, AgentFieldRule>> = {
  agent_class: agentClass,
  name,
  description: stringField((value, context) => void (context.draft.description = value)),
  model,
  model_code: unsetOnly(`model_code ${PYTHON_CODE}; set model to a Gemini model name instead`),
  instruction: stringField((value, context) => void (context.draft.instruction = value)),
  static_instruction: unsetOnly('static_instruction is not implemented yet; put the text in instruction'),
  // Sub-agents are called as tools, never transferred to, so both values behave alike.
  disallow_transfer_to_parent: optionalBoolean(),
  disallow_transfer_to_peers: optionalBoolean(),
  input_schema: unsetOnly(`input_schema ${PYTHON_CODE}`),
  output_schema: unsetOnly(`output_schema ${PYTHON_CODE}`),
  output_key: outputKey,
  accumulate_output_key: accumulateOutputKey,
  include_contents: includeContents,
  tools: readTools,
  sub_agents: readSubAgents,
  before_agent_callbacks: unsetOnly(CALLBACKS, { list: true }),
  after_agent_callbacks: unsetOnly(CALLBACKS, { list: true }),
  before_model_callbacks: unsetOnly(CALLBACKS, { list: true }),
  after_model_callbacks: unsetOnly(CALLBACKS, { list: true }),
  before_tool_callbacks: unsetOnly(CALLBACKS, { list: true }),
  after_tool_callbacks: unsetOnly(CALLBACKS, { list: true }),
  generate_content_config: generateContentConfig,
};
