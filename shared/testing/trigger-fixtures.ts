import type { DeliveryRecord } from '../domain/triggers/delivery-record.ts';
import type { TriggerRecord } from '../domain/triggers/trigger-record.ts';
import { sampleParent } from './agent-fixtures.ts';

/** A valid stored GitHub trigger on `agent`, with `overrides` applied. */
export function sampleTriggerRecord(agent: string, triggerId: string, overrides: Partial<TriggerRecord> = {}): TriggerRecord {
  return {
    schemaVersion: 1,
    name: `${agent}/triggers/${triggerId}`,
    agent,
    creator: 'ada',
    agentCreateTime: 1_700_000_000_000,
    fields: {
      scheme: 'GITHUB',
      secretVersions: ['projects/p1/secrets/github-hook/versions/1'],
      filter: { eventTypes: ['issues'], actions: ['opened'] },
      inputTemplate: 'Triage issue #{{ issue.number }}: {{ issue.title }}',
    },
    createTime: 1_700_000_000_000,
    updateTime: 1_700_000_000_000,
    ...overrides,
  };
}

export const sampleAgentName = (agentId: string) => `${sampleParent}/agents/${agentId}`;

/** A refused delivery record of `trigger`. */
export function sampleDeliveryRecord(trigger: string, id: string, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    schemaVersion: 1,
    id,
    trigger,
    outcome: 'REFUSED',
    reason: 'BAD_SIGNATURE',
    message: 'X-Hub-Signature-256 does not match the body under any active secret.',
    headers: { 'x-github-event': 'issues', 'x-hub-signature-256': '[redacted]' },
    bodyPreview: '{"action":"opened"}',
    bodyBytes: 19,
    createTime: 1_700_000_000_000,
    ...overrides,
  };
}
