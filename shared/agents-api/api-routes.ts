import type { LifecycleAction } from '../domain/agents/agent-lifecycle.ts';
import { isPlainObject } from '../domain/config-problems.ts';
import { createAgent, getAgent, getAgentView, listAgents, patchAgent } from './agent-methods.ts';
import type { ApiDeps } from './api-deps.ts';
import type { ApiCall } from './api-request.ts';
import { grantAuthorization, listAuthorizations, revokeAuthorization } from './grant-methods.ts';
import { changeLifecycle, deleteAgent, deployAgent, getOperation } from './operation-methods.ts';
import { requireEmptyBody } from './request-parameters.ts';
import { openRunEvents } from './run-events.ts';
import { cancelRun, createRun, getRun, listRuns, waitForRun } from './run-methods.ts';
import { getRunArtifact, listRunArtifacts } from './artifact-methods.ts';
import { maxInputFileBytes } from './input-files.ts';
import { maxApiBodyBytes } from './read-request-body.ts';
import { scheduleRoutes } from './schedule-routes.ts';
import { batchRoutes } from '../batches/batch-routes.ts';
import { triggerRoutes } from './trigger-routes.ts';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One API method: an HTTP method and a path pattern (hono's syntax), and what answers it. */
export interface ApiRoute {
  method: HttpMethod;
  path: string;
  handle(deps: ApiDeps, call: ApiCall): Promise<unknown>;
  /** The largest body it takes; default maxApiBodyBytes. */
  maxBodyBytes?: number;
}

// Resource names are matched whole (`{.+}` spans slashes) and checked by the methods, which
// answer a malformed name with INVALID_ARGUMENT naming what is wrong rather than a bare 404.
// A custom method (AIP-136, `name:verb`) is routed as `name/~verb` (api-app.ts, routingPath).
const parent = ':parent{.+}';
const agent = ':name{.+/agents/[^/]+}';
const operation = ':name{.+/operations/[^/]+}';
const authorizations = '/v1/users/:user/authorizations';

/** A method without query parameters: refuses any, then runs. */
function plain(call: ApiCall, method: string, run: () => Promise<unknown>): Promise<unknown> {
  call.query(method);
  return run();
}

/** The agents API (README.md, "The agents API"), one line per method. */
export const agentRoutes: ApiRoute[] = [
  { method: 'GET', path: `/v1/${parent}/agents`, handle: (deps, call) => listAgents(deps, call.caller, call.param('parent'), call.query('agents.list', ['pageSize', 'pageToken', 'orderBy'])) },
  { method: 'POST', path: `/v1/${parent}/agents`, handle: (deps, call) => createAgent(deps, call.caller, call.param('parent'), call.query('agents.create', ['agentId'])['agentId'], call.request.body) },
  { method: 'GET', path: `/v1/${agent}`, handle: (deps, call) => plain(call, 'agents.get', () => getAgent(deps, call.caller, call.param('name'))) },
  { method: 'PATCH', path: `/v1/${agent}`, handle: (deps, call) => patchAgent(deps, call.caller, call.param('name'), call.request.body, call.query('agents.patch', ['updateMask'])['updateMask']) },
  {
    method: 'DELETE',
    path: `/v1/${agent}`,
    handle: (deps, call) => {
      requireEmptyBody(call.request.body, 'agents.delete');
      return plain(call, 'agents.delete', () => deleteAgent(deps, call.caller, call.param('name')));
    },
  },
  { method: 'POST', path: `/v1/${agent}/~deploy`, handle: (deps, call) => plain(call, 'agents.deploy', () => deployAgent(deps, call.caller, call.param('name'), call.request.body)) },
  { method: 'GET', path: `/v1/${agent}/~getAgentView`, handle: (deps, call) => plain(call, 'agents.getAgentView', () => getAgentView(deps, call.caller, call.param('name'))) },
  ...(['enableAgent', 'disableAgent', 'suspendAgent'] as const).map(
    (action): ApiRoute => ({ method: 'POST', path: `/v1/${agent}/~${action}`, handle: (deps, call) => lifecycleMethod(deps, call, action) }),
  ),
  { method: 'GET', path: `/v1/${operation}`, handle: (deps, call) => plain(call, 'operations.get', () => getOperation(deps, call.caller, call.param('name'))) },
  { method: 'POST', path: `${authorizations}/~grant`, handle: (deps, call) => plain(call, 'grant', () => grantAuthorization(deps, call.caller, call.param('user'), call.request.body)) },
  { method: 'POST', path: `${authorizations}/~revoke`, handle: (deps, call) => plain(call, 'revoke', () => revokeAuthorization(deps, call.caller, call.param('user'), call.request.body)) },
  { method: 'GET', path: authorizations, handle: (deps, call) => plain(call, 'authorizations.list', () => listAuthorizations(deps, call.caller, call.param('user'))) },
];

/** The runs API (README.md, "The runs API"). */
export const runRoutes: ApiRoute[] = [
  // A run's input files come in its body, in base64 (input-files.ts).
  { method: 'POST', path: '/v1/runs', maxBodyBytes: Math.ceil((maxInputFileBytes * 4) / 3) + maxApiBodyBytes, handle: (deps, call) => createRun(deps, call.caller, call.query('runs.create', ['requestId'])['requestId'], call.request.body) },
  { method: 'GET', path: '/v1/runs', handle: (deps, call) => listRuns(deps, call.caller, call.query('runs.list', ['pageSize', 'pageToken', 'filter'])) },
  { method: 'GET', path: '/v1/runs/:run', handle: (deps, call) => plain(call, 'runs.get', () => getRun(deps, call.caller, call.param('run'))) },
  { method: 'GET', path: '/v1/runs/:run/artifacts', handle: (deps, call) => plain(call, 'runs.listArtifacts', () => listRunArtifacts(deps, call.caller, call.param('run'))) },
  {
    method: 'GET',
    path: '/v1/runs/:run/artifacts/:name{.+}',
    handle: (deps, call) => getRunArtifact(deps, call.caller, call.param('run'), call.param('name'), call.query('runs.getArtifact', ['version'])['version']),
  },
  { method: 'POST', path: '/v1/runs/:run/~cancel', handle: (deps, call) => plain(call, 'runs.cancel', () => cancelRun(deps, call.caller, call.param('run'), call.request.body)) },
  {
    method: 'GET',
    path: '/v1/runs/:run/~wait',
    handle: (deps, call) => waitForRun(deps, call.caller, call.param('run'), call.query('runs.wait', ['timeout'])['timeout'], call.request.signal),
  },
  {
    method: 'GET',
    path: '/v1/runs/:run/~events',
    handle: (deps, call) => {
      const lastEventId = call.request.headers['last-event-id'] ?? call.query('runs.events', ['lastEventId'])['lastEventId'];
      return openRunEvents(deps, call.caller, call.param('run'), lastEventId, call.request.signal);
    },
  },
];

/** Every authenticated route the API serves (the public webhook delivery endpoint is apart: trigger-routes.ts). */
export const apiRoutes: ApiRoute[] = [...agentRoutes, ...runRoutes, ...triggerRoutes, ...scheduleRoutes, ...batchRoutes];

/**
 * enableAgent / disableAgent / suspendAgent: the body must be empty; suspendAgent's
 * `suspensionReason` is a query parameter (also read from the body, as earlier clients sent it).
 */
function lifecycleMethod(deps: ApiDeps, call: ApiCall, action: LifecycleAction): Promise<unknown> {
  const { body } = call.request;
  const suspending = action === 'suspendAgent';
  const { suspensionReason: bodyReason, ...rest } = suspending && isPlainObject(body) ? (body as { suspensionReason?: string }) : {};
  const reason = call.query(`agents.${action}`, suspending ? ['suspensionReason'] : [])['suspensionReason'] ?? bodyReason;
  requireEmptyBody(suspending && isPlainObject(body) ? rest : body, `agents.${action}`);
  return changeLifecycle(deps, call.caller, call.param('name'), action, reason);
}
