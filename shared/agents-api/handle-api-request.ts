import type { LifecycleAction } from '../domain/agents/agent-lifecycle.ts';
import { NotFoundError } from '../domain/errors.ts';
import { toErrorBody, toRpcStatus } from '../domain/rpc-status.ts';
import { createAgent, getAgent, getAgentView, listAgents, patchAgent } from './agent-methods.ts';
import type { ApiDeps } from './api-deps.ts';
import { grantAuthorization, listAuthorizations, revokeAuthorization } from './grant-methods.ts';
import { changeLifecycle, deleteAgent, deployAgent, getOperation } from './operation-methods.ts';

/** An HTTP request as the API sees it, independent of the server that received it. */
export interface ApiRequest {
  method: string;
  /** Decoded path, e.g. `/v1/projects/p/.../agents/a:deploy`. */
  path: string;
  query: Record<string, string | undefined>;
  authorization: string | undefined;
  body: unknown;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

const lifecycleActions: readonly string[] = ['enableAgent', 'disableAgent', 'suspendAgent'] satisfies LifecycleAction[];

/**
 * The agents API: authenticates (401 before anything), routes per AIP-127/136 (custom methods
 * after a colon), and turns every error into Google's JSON error shape — the one place that does.
 */
export async function handleApiRequest(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse> {
  try {
    const caller = await deps.authenticator.authenticate(request.authorization);
    return { status: 200, body: await route(deps, request, caller) };
  } catch (error) {
    const status = toRpcStatus(error);
    if (status.status === 'INTERNAL') deps.logger.error('agents API request failed', { method: request.method, path: request.path, error: String(error) });
    return { status: status.httpStatus, body: toErrorBody(status) };
  }
}

async function route(deps: ApiDeps, request: ApiRequest, caller: Parameters<typeof getAgent>[1]): Promise<unknown> {
  const match = /^\/v1\/(.+?)(?::([A-Za-z]+))?$/.exec(request.path);
  if (!match) throw new NotFoundError(`No API method at ${request.method} ${request.path}; the API lives under /v1/`);
  const [, resource = '', verb] = match;
  const { method, query, body } = request;
  const key = `${method} ${verb ?? ''}`;

  const users = /^users\/([^/]+)\/authorizations$/.exec(resource);
  if (users) {
    if (key === 'POST grant') return grantAuthorization(deps, caller, users[1]!, body);
    if (key === 'POST revoke') return revokeAuthorization(deps, caller, users[1]!, body);
    if (key === 'GET ') return listAuthorizations(deps, caller, users[1]!);
  } else if (/\/operations\/[^/]+$/.test(resource)) {
    if (key === 'GET ') return getOperation(deps, caller, resource);
  } else if (resource.endsWith('/agents')) {
    const parent = resource.slice(0, -'/agents'.length);
    if (key === 'GET ') return listAgents(deps, caller, parent, query);
    if (key === 'POST ') return createAgent(deps, caller, parent, query['agentId'] ?? query['agent_id'], body);
  } else if (/\/agents\/[^/]+$/.test(resource)) {
    if (key === 'GET ') return getAgent(deps, caller, resource);
    if (key === 'PATCH ') return patchAgent(deps, caller, resource, body, query['updateMask'] ?? query['update_mask']);
    if (key === 'DELETE ') return deleteAgent(deps, caller, resource);
    if (key === 'POST deploy') return deployAgent(deps, caller, resource, body);
    if (key === 'GET getAgentView') return getAgentView(deps, caller, resource);
    if (method === 'POST' && verb && lifecycleActions.includes(verb)) {
      const reason = query['suspensionReason'] ?? (body as { suspensionReason?: string } | undefined)?.suspensionReason;
      return changeLifecycle(deps, caller, resource, verb as LifecycleAction, reason);
    }
  }
  throw new NotFoundError(`No API method ${method} ${request.path}`);
}
