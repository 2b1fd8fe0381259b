import { agentChildNames } from '../agents/agent-child-name.ts';

export interface TriggerNameParts {
  /** The agent the trigger belongs to. */
  agent: string;
  triggerId: string;
}

const triggerNames = agentChildNames('triggers', 'trigger');

/** Splits `{agent}/triggers/{trigger}`; INVALID_ARGUMENT naming the expected form. */
export function parseTriggerName(name: string): TriggerNameParts {
  const { agent, id } = triggerNames.parse(name);
  return { agent, triggerId: id };
}

/** The trigger name, or undefined when `name` is not one (the delivery endpoint answers 404 alike). */
export function tryParseTriggerName(name: string): TriggerNameParts | undefined {
  const parts = triggerNames.tryParse(name);
  return parts && { agent: parts.agent, triggerId: parts.id };
}

/** Throws INVALID_ARGUMENT unless `triggerId` is a valid caller-chosen id. */
export const assertValidTriggerId = triggerNames.assertValidId;
