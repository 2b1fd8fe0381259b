import type { LifecycleAction } from '../domain/agents/agent-lifecycle.ts';
import { isPlainObject } from '../domain/config-problems.ts';
import { NotFoundError } from '../domain/errors.ts';
import { toErrorBody, toRpcStatus } from '../domain/rpc-status.ts';
import { createAgent, getAgent, getAgentView, listAgents, patchAgent } from './agent-methods.ts';
import type { ApiDeps } from './api-deps.ts';
import { readQuery, requireEmptyBody } from './request-parameters.ts';
import { grantAuthorization, listAuthorizations, revokeAuthorization } from './grant-methods.ts';
import { changeLifecycle, deleteAgent, deployAgent, getOperation } from './operation-methods.ts';
import { matchTriggerRoute, matchWebhookDelivery, webhookDeliveryRoute } from './trigger-routes.ts';
import type { WebhookHeaders } from '../webhooks/index.ts';

/** An HTTP request as the API sees it, independent of the server that received it. */
export interface ApiRequest {
  method: string;
  /** Decoded path, e.g. `/v1/projects/p/.../agents/a:deploy`. */
  path: string;
  query: Record<string, string | undefined>;
  authorization: string | undefined;
  body: unknown;
  /** The request's headers and body bytes, which only webhook deliveries read (their signature covers the bytes). */
  headers?: WebhookHeaders;
  rawBody?: Uint8Array;
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
  // Webhook deliveries carry no bearer token: their signature is the credential.
  const triggerName = matchWebhookDelivery(request.method, request.path);
  if (triggerName) return webhookDeliveryRoute.handle(deps, { triggerName, rawBody: request.rawBody ?? new Uint8Array(), headers: request.headers ?? {} });
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
  if (!match) throw new NotFoundError(`No API method at ${request.method} ${request.path}; the API lives under /v1/`, { code: 'METHOD_NOT_FOUND', metadata: { httpMethod: request.method, path: request.path } });
  const [, resource = '', verb] = match;
  const { method, body } = request;
  const trigger = matchTriggerRoute(method, request.path);
  if (trigger) return trigger.route.handle(deps, caller, { resource: trigger.resource, query: request.query, body });
  const key = `${method} ${verb ?? ''}`;
  /** The method's query parameters; any other is refused before the method runs. */
  const query = (name: string, accepted: readonly string[] = []) => readQuery(request.query, name, accepted);
  /** A method without query parameters: refuses any, then runs. */
  const plain = (name: string, run: () => Promise<unknown>) => {
    query(name);
    return run();
  };

  const users = /^users\/([^/]+)\/authorizations$/.exec(resource);
  if (users) {
    const userId = users[1]!;
    if (key === 'POST grant') return plain('grant', () => grantAuthorization(deps, caller, userId, body));
    if (key === 'POST revoke') return plain('revoke', () => revokeAuthorization(deps, caller, userId, body));
    if (key === 'GET ') return plain('authorizations.list', () => listAuthorizations(deps, caller, userId));
  } else if (/\/operations\/[^/]+$/.test(resource)) {
    if (key === 'GET ') return plain('operations.get', () => getOperation(deps, caller, resource));
  } else if (resource.endsWith('/agents')) {
    const parent = resource.slice(0, -'/agents'.length);
    if (key === 'GET ') return listAgents(deps, caller, parent, query('agents.list', ['pageSize', 'pageToken', 'orderBy']));
    if (key === 'POST ') return createAgent(deps, caller, parent, query('agents.create', ['agentId'])['agentId'], body);
  } else if (/\/agents\/[^/]+$/.test(resource)) {
    if (key === 'GET ') return plain('agents.get', () => getAgent(deps, caller, resource));
    if (key === 'PATCH ') return patchAgent(deps, caller, resource, body, query('agents.patch', ['updateMask'])['updateMask']);
    if (key === 'DELETE ') {
      requireEmptyBody(body, 'agents.delete');
      return plain('agents.delete', () => deleteAgent(deps, caller, resource));
    }
    if (key === 'POST deploy') return plain('agents.deploy', () => deployAgent(deps, caller, resource, body));
    if (key === 'GET getAgentView') return plain('agents.getAgentView', () => getAgentView(deps, caller, resource));
    if (method === 'POST' && verb && lifecycleActions.includes(verb)) return lifecycleMethod(deps, caller, resource, verb as LifecycleAction, query, body);
  }
  throw new NotFoundError(`No API method ${method} ${request.path}`, { code: 'METHOD_NOT_FOUND', metadata: { httpMethod: method, path: request.path } });
}

/**
 * enableAgent / disableAgent / suspendAgent: the body must be empty; suspendAgent's
 * `suspensionReason` is a query parameter (also read from the body, as earlier clients sent it).
 */
function lifecycleMethod(
  deps: ApiDeps,
  caller: Parameters<typeof getAgent>[1],
  name: string,
  action: LifecycleAction,
  query: (name: string, accepted?: readonly string[]) => Record<string, string | undefined>,
  body: unknown,
): Promise<unknown> {
  const suspending = action === 'suspendAgent';
  const { suspensionReason: bodyReason, ...rest } = suspending && isPlainObject(body) ? (body as { suspensionReason?: string }) : {};
  const reason = query(`agents.${action}`, suspending ? ['suspensionReason'] : [])['suspensionReason'] ?? bodyReason;
  requireEmptyBody(suspending && isPlainObject(body) ? rest : body, `agents.${action}`);
  return changeLifecycle(deps, caller, name, action, reason);
}
