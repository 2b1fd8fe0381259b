import { InvalidInputError } from '../errors.ts';
import { parseAgentName } from '../agents/agent-name.ts';

/** AIP-122 ids, as agents take them: lowercase letters, digits and hyphens, starting with a letter. */
const triggerIdPattern = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const triggerPattern = /^(.+)\/triggers\/([^/]+)$/;

export interface TriggerNameParts {
  /** The agent the trigger belongs to. */
  agent: string;
  triggerId: string;
}

/** Splits `{agent}/triggers/{trigger}`; INVALID_ARGUMENT naming the expected form. */
export function parseTriggerName(name: string): TriggerNameParts {
  const match = triggerPattern.exec(name);
  if (!match || !triggerIdPattern.test(match[2]!)) {
    throw new InvalidInputError(`Invalid trigger name "${name}": expected projects/…/engines/{engine}/agents/{agent}/triggers/{trigger}`, { metadata: { name } });
  }
  parseAgentName(match[1]!);
  return { agent: match[1]!, triggerId: match[2]! };
}

/** The trigger name, or undefined when `name` is not one (the delivery endpoint answers 404 alike). */
export function tryParseTriggerName(name: string): TriggerNameParts | undefined {
  try {
    return parseTriggerName(name);
  } catch {
    return undefined;
  }
}

/** Throws INVALID_ARGUMENT unless `triggerId` is a valid caller-chosen id. */
export function assertValidTriggerId(triggerId: string): void {
  if (!triggerIdPattern.test(triggerId)) {
    throw new InvalidInputError(`Invalid triggerId "${triggerId}": use 1-63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen`, {
      metadata: { triggerId },
    });
  }
}
