import type { AgentRecord } from './agent-record.ts';
import { toAgentJson } from './agent-record.ts';
import { permissionsOn, stateReasonFor, type Caller } from './permissions.ts';
import { toRfc3339 } from '../run-view.ts';

/**
 * The Agent as `get` and `list` return it to `caller` (README "Authorization"). Whoever may edit
 * the agent (its creator, admins) gets all of it. Anyone else who may see it gets what
 * getAgentView shows and no more: name, displayName, description, icon, times, state and its
 * reason (a failed deploy's excepted: it quotes the definition). The definition (the Agent Config's instructions, an A2A card), the authorizations and
 * the data stores stay with those who may edit them; running the agent does not need them, since
 * the pipeline reads the catalog, not the API.
 */
export function toAgentJsonFor(caller: Caller, record: AgentRecord): Record<string, unknown> {
  return permissionsOn(caller, record).has('update') ? toAgentJson(record) : toAgentSummaryJson(caller, record);
}

function toAgentSummaryJson(caller: Caller, record: AgentRecord): Record<string, unknown> {
  const { displayName, description, icon } = record.fields;
  return {
    name: record.name,
    displayName,
    description,
    ...(icon ? { icon } : {}),
    createTime: toRfc3339(record.createTime),
    updateTime: toRfc3339(record.updateTime),
    state: record.state,
    ...stateReasonFor(caller, record),
  };
}
