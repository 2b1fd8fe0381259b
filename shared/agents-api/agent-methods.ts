import { assertBelowAgentLimit, assertServedParent } from '../domain/agents/agent-creation-policy.ts';
import { readPageCursor } from '../domain/agents/page-token.ts';
import { readAgentBody, requireCompleteAgent } from '../domain/agents/agent-input.ts';
import { definitionFields, type WritableAgentFields } from '../domain/agents/agent-fields.ts';
import { assertValidAgentId, assertValidParent, parseAgentName } from '../domain/agents/agent-name.ts';
import { agentTypeOf, catalogDefinitionOf, toAgentJson, type AgentRecord } from '../domain/agents/agent-record.ts';
import { audiencesOf } from '../domain/agents/list-audience.ts';
import { agentSortKeySchema, parseOrderBy, parsePageSize, type AgentSortKey } from '../domain/agents/list-request.ts';
import { toAgentJsonFor } from '../domain/agents/agent-json-for-caller.ts';
import { authorizeAgentAccess, permissionsOn, stateReasonFor, type Caller } from '../domain/agents/permissions.ts';
import { AbortedError, FailedPreconditionError, ResourceExistsError } from '../domain/errors.ts';
import { applyUpdate, parseUpdateMask } from '../domain/agents/update-mask.ts';
import type { ApiDeps } from './api-deps.ts';

type Json = Record<string, unknown>;
type Deps = Pick<ApiDeps, 'registry' | 'clock' | 'newId' | 'pageTokens' | 'agentCreation'>;

/**
 * `create`: server-assigned id unless `agentId` is given; ALREADY_EXISTS for a taken name;
 * PERMISSION_DENIED under a parent the deployment does not serve; RESOURCE_EXHAUSTED past the
 * per-user limit, counted in the creating transaction so concurrent creates cannot pass it.
 */
export async function createAgent(deps: Deps, caller: Caller, parent: string, agentId: string | undefined, body: unknown): Promise<Json> {
  assertValidParent(parent);
  if (agentId !== undefined) assertValidAgentId(agentId);
  const fields = requireCompleteAgent(readAgentBody(body));
  assertServedParent(deps.agentCreation, parent);
  const name = `${parent}/agents/${agentId ?? `a${deps.newId().replace(/-/g, '').slice(0, 20)}`}`;
  const now = deps.clock.now();
  const record: AgentRecord = {
    schemaVersion: 1,
    name,
    parent,
    state: 'CONFIGURED',
    creator: caller.userId,
    ...catalogFieldsOf(fields),
    fields,
    createTime: now,
    updateTime: now,
  };
  await deps.registry.transact(async (tx) => {
    // Admins are exempt, and skip the read: their creates never contend on a count.
    if (!caller.admin) assertBelowAgentLimit(deps.agentCreation, caller, await tx.countAgentsCreatedBy(caller.userId));
    if (await tx.getAgent(name)) throw new ResourceExistsError(`Agent ${name} already exists`, { code: 'AGENT_ALREADY_EXISTS', metadata: { agent: name } });
    tx.createAgent(record);
  });
  return toAgentJson(record);
}

export async function getAgent(deps: Deps, caller: Caller, name: string): Promise<Json> {
  parseAgentName(name);
  return toAgentJsonFor(caller, authorizeAgentAccess(caller, 'get', name, await deps.registry.getAgentRecord(name)));
}

/**
 * `list` (AIP-132/158): only agents the caller may see, selected by the registry's query so a page
 * costs about one page of reads however many agents exist; opaque tokens bound to the request.
 */
export async function listAgents(deps: Deps, caller: Caller, parent: string, query: Record<string, string | undefined>): Promise<Json> {
  assertValidParent(parent);
  const pageSize = parsePageSize(query['pageSize']);
  const order = parseOrderBy(query['orderBy']);
  // orderBy as a list, as tokens issued when orderBy took several fields were bound to it.
  const requestParameters = { parent, orderBy: [order], caller: caller.userId };
  const token = query['pageToken'];
  const after = token ? readCursor(deps.pageTokens.decode(token, requestParameters)) : undefined;
  const page = await deps.registry.listAgentsPage({ parent, audiences: audiencesOf(caller), order, after, pageSize });
  return {
    agents: page.agents.map((record) => toAgentJsonFor(caller, record)),
    ...(page.next ? { nextPageToken: deps.pageTokens.encode(page.next, requestParameters) } : {}),
  };
}

function readCursor(cursor: unknown[]): AgentSortKey {
  return readPageCursor(agentSortKeySchema, cursor);
}

/**
 * `patch` (AIP-134). Changing the definition needs an undeployed or DISABLED agent and returns it
 * to CONFIGURED: a new definition runs only after a deploy has validated it.
 */
export async function patchAgent(deps: Deps, caller: Caller, name: string, body: unknown, updateMask: string | undefined): Promise<Json> {
  parseAgentName(name);
  const mask = parseUpdateMask(updateMask);
  const update = readAgentBody(body);
  return deps.registry.transact(async (tx) => {
    const record = authorizeAgentAccess(caller, 'update', name, await tx.getAgent(name));
    if (record.state === 'DEPLOYING') throw new AbortedError(`Agent ${name} is being deployed; update it when the deployment ends`, { code: 'DEPLOYMENT_IN_PROGRESS', metadata: { agent: name } });
    const fields = requireCompleteAgent(applyUpdate(record.fields, update, mask));
    const definitionChanged = definitionFields.some((field) => JSON.stringify(fields[field]) !== JSON.stringify(record.fields[field]));
    if (definitionChanged && !['CONFIGURED', 'DEPLOYMENT_FAILED', 'DISABLED'].includes(record.state)) {
      throw new FailedPreconditionError(`The definition of an agent in state ${record.state} cannot change; disable it first, then redeploy`, {
        code: 'INVALID_AGENT_STATE',
        metadata: { agent: name, state: record.state },
      });
    }
    const { stateReason: _reason, agentAuthorization: _authorization, ...rest } = record;
    const updated: AgentRecord = {
      ...rest,
      ...catalogFieldsOf(fields, definitionChanged ? undefined : record),
      ...(definitionChanged ? { state: 'CONFIGURED' } : record.stateReason ? { stateReason: record.stateReason } : {}),
      fields,
      updateTime: deps.clock.now(),
    };
    tx.putAgent(updated);
    return toAgentJson(updated);
  });
}

/** `getAgentView`: what the agent is (the fields `get` shows to those who may not edit it), where it comes from, and what the caller may do with it. */
export async function getAgentView(deps: Deps, caller: Caller, name: string): Promise<Json> {
  parseAgentName(name);
  const record = authorizeAgentAccess(caller, 'get', name, await deps.registry.getAgentRecord(name));
  const permissions = permissionsOn(caller, record);
  const { displayName, description, icon } = record.fields;
  return {
    agentView: {
      name,
      displayName,
      description,
      ...(icon ? { icon } : {}),
      agentType: agentTypeOf(record.fields),
      agentOrigin: 'USER',
      creator: record.creator,
      state: record.state,
      ...stateReasonFor(caller, record),
      userPermissions: {
        canView: permissions.has('get'),
        canEdit: permissions.has('update'),
        canDelete: permissions.has('delete'),
        canDeploy: permissions.has('deploy'),
        canManageLifecycle: permissions.has('manageLifecycle'),
        canRun: permissions.has('run'),
      },
    },
  };
}

/** The catalog's top-level fields; a definition that did not change keeps its validated card. */
function catalogFieldsOf(fields: WritableAgentFields, unchanged?: AgentRecord): Pick<AgentRecord, 'definition' | 'agentAuthorization'> {
  const agentAuthorization = fields.authorizationConfig?.agentAuthorization;
  return {
    definition: unchanged ? unchanged.definition : catalogDefinitionOf(fields),
    ...(agentAuthorization ? { agentAuthorization } : {}),
  };
}
