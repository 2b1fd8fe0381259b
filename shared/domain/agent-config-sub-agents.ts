import { agentResourceNameForm, isAgentResourceName } from './agent-resource-name.ts';
import type { AgentFieldContext } from './agent-config-fields.ts';
import { describeType, isPlainObject, joinPath, readKnownFields } from './config-problems.ts';

/**
 * `sub_agents`. ADK's AgentRefConfig names a sub-agent by `config_path` (another config file) or
 * `code` (a Python object); agentline adds a third form, `agent: <registered agent resource
 * name>`, the only one it can honour: the sub-agent is a registered agent, resolved when a run is
 * submitted (it must exist, be runnable by the submitter, and be an A2A agent for now), and the
 * model calls it as a tool. `config_path` and `code` are refused with what to write instead.
 */

const ENTRY_FIELDS = ['agent', 'config_path', 'code'] as const;

const INSTEAD = `register the sub-agent as its own agent and list it as \`- agent: ${agentResourceNameForm}\``;

const refusedForms: Readonly<Record<string, string>> = {
  config_path: `Not supported: config_path sub-agents (another ADK config file) cannot be loaded; ${INSTEAD}`,
  code: `Not supported: code refers to Python code, which agentline cannot load; ${INSTEAD}`,
};

export function readSubAgents(value: unknown, context: AgentFieldContext): void {
  if (value === null) return;
  if (!Array.isArray(value)) {
    context.problems.push({ path: context.key, message: `expected a list of {agent: <registered agent resource name>} entries, got ${describeType(value)}` });
    return;
  }
  const seen = new Set<string>();
  value.forEach((entry: unknown, index) => {
    const path = joinPath(context.key, index);
    const agentName = readAgentRef(entry, path, context);
    if (agentName === undefined) return;
    if (seen.has(agentName)) {
      context.problems.push({ path, message: `Sub-agent ${agentName} is listed more than once` });
      return;
    }
    seen.add(agentName);
    context.draft.subAgents.push(agentName);
  });
}

/** The entry's registered agent name, or undefined after recording why it is unusable. */
function readAgentRef(entry: unknown, path: string, context: AgentFieldContext): string | undefined {
  if (!isPlainObject(entry)) {
    context.problems.push({ path, message: `expected a mapping {agent: <registered agent resource name>}, got ${describeType(entry)}` });
    return undefined;
  }
  const { fields, problems } = readKnownFields(entry, ENTRY_FIELDS, path, { acceptCamelCase: false });
  context.problems.push(...problems);
  const given = [...fields].filter(([, field]) => field.value !== null);
  if (given.length === 0) {
    context.problems.push({ path, message: 'Exactly one of `agent`, `config_path` or `code` must be provided' });
    return undefined;
  }
  if (given.length > 1) {
    context.problems.push({ path, message: `Only one of \`agent\`, \`config_path\` or \`code\` should be provided, got ${given.map(([name]) => name).join(' and ')}` });
    return undefined;
  }
  const [fieldName, field] = given[0]!;
  const fieldPath = joinPath(path, fieldName);
  if (typeof field.value !== 'string') {
    context.problems.push({ path: fieldPath, message: `expected a string, got ${describeType(field.value)}` });
    return undefined;
  }
  const refused = refusedForms[fieldName];
  if (refused !== undefined) {
    context.problems.push({ path: fieldPath, message: refused });
    return undefined;
  }
  if (!isAgentResourceName(field.value)) {
    context.problems.push({ path: fieldPath, message: `expected a registered agent's resource name ${agentResourceNameForm}, got "${field.value}"` });
    return undefined;
  }
  return field.value;
}
