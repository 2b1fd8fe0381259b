import { parseAgentName } from '../domain/agents/agent-name.ts';
import type { Caller } from '../domain/agents/permissions.ts';
import { InvalidInputError, NotFoundError, ResourceExistsError } from '../domain/errors.ts';
import { toDeliveryJson } from '../domain/triggers/delivery-record.ts';
import { applyTriggerUpdate, readTriggerBody, requireValidTrigger, type WritableTriggerFields } from '../domain/triggers/trigger-fields.ts';
import { assertValidTriggerId, parseTriggerName } from '../domain/triggers/trigger-name.ts';
import { toTriggerJson, type TriggerRecord } from '../domain/triggers/trigger-record.ts';
import type { ApiDeps } from './api-deps.ts';
import { authorizeAgentChildManagement, belongsTo, nextToken, readPage } from './agent-children.ts';

type Json = Record<string, unknown>;
type Deps = Pick<ApiDeps, 'registry' | 'clock' | 'newId' | 'pageTokens' | 'webhookSecrets'>;

function triggerNotFound(name: string): NotFoundError {
  return new NotFoundError(`Trigger ${name} does not exist`, { code: 'TRIGGER_NOT_FOUND', metadata: { trigger: name } });
}

/** `create`: the caller becomes the trigger's creator, the user its runs are for. ALREADY_EXISTS for a taken id. */
export async function createTrigger(deps: Deps, caller: Caller, agent: string, triggerId: string | undefined, body: unknown): Promise<Json> {
  parseAgentName(agent);
  if (triggerId !== undefined) assertValidTriggerId(triggerId);
  const fields = requireReadableSecrets(deps, requireValidTrigger(readTriggerBody(body, false)));
  const name = `${agent}/triggers/${triggerId ?? `t${deps.newId().replace(/-/g, '').slice(0, 20)}`}`;
  const now = deps.clock.now();
  return deps.registry.transact(async (tx) => {
    const agentRecord = await authorizeAgentChildManagement(deps, caller, agent, (agentName) => tx.getAgent(agentName));
    const existing = await tx.getTrigger(name);
    if (existing && belongsTo(existing, agentRecord)) throw new ResourceExistsError(`Trigger ${name} already exists`, { code: 'TRIGGER_ALREADY_EXISTS', metadata: { trigger: name } });
    const record: TriggerRecord = { schemaVersion: 1, name, agent, creator: caller.userId, agentCreateTime: agentRecord.createTime, fields, createTime: now, updateTime: now };
    // A trigger a deleted agent left behind is replaced, never revived.
    if (existing) tx.putTrigger(record);
    else tx.createTrigger(record);
    return toTriggerJson(record);
  });
}

/**
 * A trigger naming a secret this deployment can never read would refuse every delivery
 * (`SECRET_NOT_FOUND`): refused when written instead, naming the secrets it may name.
 */
function requireReadableSecrets(deps: Pick<Deps, 'webhookSecrets'>, fields: WritableTriggerFields): WritableTriggerFields {
  const refusals = fields.secretVersions.map((version) => deps.webhookSecrets.refusal(version)).filter((refusal) => refusal !== undefined);
  if (refusals.length > 0) throw new InvalidInputError(`Invalid trigger: ${refusals.join('; ')}`, { code: 'SECRET_NOT_ALLOWED' });
  return fields;
}

export async function getTrigger(deps: Deps, caller: Caller, name: string): Promise<Json> {
  const { agent } = parseTriggerName(name);
  const agentRecord = await authorizeAgentChildManagement(deps, caller, agent);
  const trigger = await deps.registry.getTrigger(name);
  if (!belongsTo(trigger, agentRecord)) throw triggerNotFound(name);
  return toTriggerJson(trigger);
}

export async function listTriggers(deps: Deps, caller: Caller, agent: string, query: Record<string, string | undefined>): Promise<Json> {
  parseAgentName(agent);
  const agentRecord = await authorizeAgentChildManagement(deps, caller, agent);
  const page = await readPage(deps, query, { agent, caller: caller.userId, list: 'triggers' }, (request) => deps.registry.listTriggers(agent, request));
  return { triggers: page.items.filter((trigger) => belongsTo(trigger, agentRecord)).map(toTriggerJson), ...nextToken(page) };
}

/** `patch` (AIP-134) over the writable fields; the result must be a valid trigger. */
export async function patchTrigger(deps: Deps, caller: Caller, name: string, body: unknown, updateMask: string | undefined): Promise<Json> {
  const { agent } = parseTriggerName(name);
  const update = readTriggerBody(body, true);
  return deps.registry.transact(async (tx) => {
    const agentRecord = await authorizeAgentChildManagement(deps, caller, agent, (agentName) => tx.getAgent(agentName));
    const trigger = await tx.getTrigger(name);
    if (!belongsTo(trigger, agentRecord)) throw triggerNotFound(name);
    const fields = requireReadableSecrets(deps, requireValidTrigger(applyTriggerUpdate(trigger.fields, update, updateMask)));
    const updated: TriggerRecord = { ...trigger, fields, updateTime: deps.clock.now() };
    tx.putTrigger(updated);
    return toTriggerJson(updated);
  });
}

/** `delete`: the trigger stops at once; its delivery records expire on their own. Returns Empty. */
export async function deleteTrigger(deps: Deps, caller: Caller, name: string): Promise<Json> {
  const { agent } = parseTriggerName(name);
  await deps.registry.transact(async (tx) => {
    const agentRecord = await authorizeAgentChildManagement(deps, caller, agent, (agentName) => tx.getAgent(agentName));
    if (!belongsTo(await tx.getTrigger(name), agentRecord)) throw triggerNotFound(name);
    tx.deleteTrigger(name);
  });
  return {};
}

/** `listDeliveries`: accepted and refused deliveries, newest first, for those who manage the trigger. */
export async function listDeliveries(deps: Deps, caller: Caller, name: string, query: Record<string, string | undefined>): Promise<Json> {
  const { agent } = parseTriggerName(name);
  const agentRecord = await authorizeAgentChildManagement(deps, caller, agent);
  if (!belongsTo(await deps.registry.getTrigger(name), agentRecord)) throw triggerNotFound(name);
  const page = await readPage(deps, query, { trigger: name, caller: caller.userId, list: 'deliveries' }, (request) => deps.registry.listDeliveries(name, request));
  return { deliveries: page.items.map(toDeliveryJson), ...nextToken(page) };
}
