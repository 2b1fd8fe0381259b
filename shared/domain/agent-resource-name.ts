/**
 * A registered agent's resource name, as Discovery Engine names agents:
 * `projects/{project}/locations/{location}/collections/{collection}/engines/{engine}/agents/{agent}`.
 */
export const agentResourceNamePattern = /^projects\/[^/]+\/locations\/[^/]+\/collections\/[^/]+\/engines\/[^/]+\/agents\/[^/]+$/;

export const agentResourceNameForm = 'projects/{project}/locations/{location}/collections/{collection}/engines/{engine}/agents/{agent}';

export function isAgentResourceName(text: string): boolean {
  return agentResourceNamePattern.test(text);
}
