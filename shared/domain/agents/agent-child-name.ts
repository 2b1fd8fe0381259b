import { InvalidInputError } from '../errors.ts';
import { parseAgentName } from './agent-name.ts';

/** AIP-122 ids, as agents take them: lowercase letters, digits and hyphens, starting with a letter. */
const childIdPattern = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface AgentChildName {
  /** The agent the resource belongs to. */
  agent: string;
  id: string;
}

/**
 * Names of resources that live under an agent, `{agent}/{collection}/{id}` (triggers, schedules):
 * parsing that names the expected form, and the caller-chosen id check.
 */
export function agentChildNames(collection: string, resource: string) {
  const pattern = new RegExp(`^(.+)/${collection}/([^/]+)$`);
  const idField = `${resource}Id`;
  function parse(name: string): AgentChildName {
    const match = pattern.exec(name);
    if (!match || !childIdPattern.test(match[2]!)) {
      throw new InvalidInputError(`Invalid ${resource} name "${name}": expected projects/…/engines/{engine}/agents/{agent}/${collection}/{${resource}}`, { metadata: { name } });
    }
    parseAgentName(match[1]!);
    return { agent: match[1]!, id: match[2]! };
  }
  return {
    parse,
    /** Undefined when `name` is not one (an endpoint that answers 404 alike). */
    tryParse(name: string): AgentChildName | undefined {
      try {
        return parse(name);
      } catch {
        return undefined;
      }
    },
    /** Throws INVALID_ARGUMENT unless `id` is a valid caller-chosen id. */
    assertValidId(id: string): void {
      if (!childIdPattern.test(id)) {
        throw new InvalidInputError(`Invalid ${idField} "${id}": use 1-63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen`, {
          metadata: { [idField]: id },
        });
      }
    },
  };
}
