import { agentResourceNameForm } from '../agent-resource-name.ts';
import { InvalidInputError } from '../errors.ts';

/** `projects/{p}/locations/{l}/collections/{c}/engines/{e}`: where agents live. */
const parentPattern = /^projects\/([^/]+)\/locations\/([^/]+)\/collections\/([^/]+)\/engines\/([^/]+)$/;
const agentPattern = /^(projects\/[^/]+\/locations\/[^/]+\/collections\/[^/]+\/engines\/[^/]+)\/agents\/([^/]+)$/;
/** AIP-122 resource ids: lowercase letters, digits and hyphens, starting with a letter. */
const agentIdPattern = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const segmentPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface AgentNameParts {
  parent: string;
  agentId: string;
}

/** Splits an agent resource name; throws INVALID_ARGUMENT naming the expected format. */
export function parseAgentName(name: string): AgentNameParts {
  const match = agentPattern.exec(name);
  if (!match || !isValidParent(match[1]!) || !segmentPattern.test(match[2]!)) {
    throw new InvalidInputError(
      `Invalid agent name "${name}": expected ${agentResourceNameForm}`,
      { metadata: { name } },
    );
  }
  return { parent: match[1]!, agentId: match[2]! };
}

/** Throws INVALID_ARGUMENT unless `parent` is an engine name. */
export function assertValidParent(parent: string): void {
  if (!isValidParent(parent)) {
    throw new InvalidInputError(
      `Invalid parent "${parent}": expected projects/{project}/locations/{location}/collections/{collection}/engines/{engine}`,
      { metadata: { parent } },
    );
  }
}

/** Whether `parent` is an engine name, `projects/{p}/locations/{l}/collections/{c}/engines/{e}`. */
export function isValidParent(parent: string): boolean {
  const match = parentPattern.exec(parent);
  return match !== null && match.slice(1).every((segment) => segmentPattern.test(segment));
}

/** Throws INVALID_ARGUMENT unless `agentId` is a valid caller-chosen id (AIP-122). */
export function assertValidAgentId(agentId: string): void {
  if (!agentIdPattern.test(agentId)) {
    throw new InvalidInputError(
      `Invalid agentId "${agentId}": use 1-63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen`,
      { metadata: { agentId } },
    );
  }
}

/** `projects/{p}/locations/{l}` of an agent or engine name: where location-level operations live. */
export function locationOf(name: string): string {
  return name.split('/').slice(0, 4).join('/');
}
