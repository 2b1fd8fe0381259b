import type { AgentRecord } from '../domain/agents/agent-record.ts';
import type { OperationRecord } from '../domain/agents/operation.ts';

export const sampleParent = 'projects/p1/locations/global/collections/default_collection/engines/e1';

export const sampleAgentConfig = 'name: helper\ninstruction: Answer briefly.\ntools:\n  - name: calculator\n';

/** A valid stored agent (ADK, CONFIGURED) with `overrides` applied. */
export function sampleAgentRecord(agentId: string, overrides: Partial<AgentRecord> = {}): AgentRecord {
  const parent = overrides.parent ?? sampleParent;
  return {
    schemaVersion: 1,
    name: `${parent}/agents/${agentId}`,
    parent,
    state: 'CONFIGURED',
    creator: 'ada',
    definition: { kind: 'adk', configYaml: sampleAgentConfig },
    fields: {
      displayName: `Agent ${agentId}`,
      description: 'Helps.',
      starterPrompts: [{ text: 'What is 2+2?' }],
      adkAgentDefinition: { agentConfig: sampleAgentConfig },
    },
    createTime: 1_700_000_000_000,
    updateTime: 1_700_000_000_000,
    ...overrides,
  };
}

export function sampleOperation(name: string, overrides: Partial<OperationRecord> = {}): OperationRecord {
  return {
    schemaVersion: 1,
    name,
    verb: 'deploy',
    target: `${sampleParent}/agents/a`,
    requester: 'ada',
    agentCreator: 'ada',
    done: false,
    createTime: 1_700_000_000_000,
    updateTime: 1_700_000_000_000,
    ...overrides,
  };
}
