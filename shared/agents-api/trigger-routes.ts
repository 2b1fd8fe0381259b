import type { WebhookHeaders } from '../webhooks/index.ts';
import type { ApiDeps } from './api-deps.ts';
import { deliverWebhook, type WebhookDeliveryResponse } from './deliver-webhook.ts';
import type { ApiRoute } from './api-routes.ts';
import { requireEmptyBody } from './request-parameters.ts';
import { createTrigger, deleteTrigger, getTrigger, listDeliveries, listTriggers, patchTrigger } from './trigger-methods.ts';

// Resource names are matched whole, as the agents API's are (api-routes.ts).
const agent = ':resource{.+/agents/[^/]+}';
const trigger = ':resource{.+/agents/[^/]+/triggers/[^/]+}';
const pageQuery = ['pageSize', 'pageToken'];

/** The trigger methods (README, "Webhook triggers"): authenticated like every API method. */
export const triggerRoutes: readonly ApiRoute[] = [
  {
    method: 'POST',
    path: `/v1/${agent}/triggers`,
    handle: (deps, call) => createTrigger(deps, call.caller, call.param('resource'), call.query('triggers.create', ['triggerId'])['triggerId'], call.request.body),
  },
  { method: 'GET', path: `/v1/${agent}/triggers`, handle: (deps, call) => listTriggers(deps, call.caller, call.param('resource'), call.query('triggers.list', pageQuery)) },
  { method: 'GET', path: `/v1/${trigger}`, handle: (deps, call) => (call.query('triggers.get'), getTrigger(deps, call.caller, call.param('resource'))) },
  {
    method: 'PATCH',
    path: `/v1/${trigger}`,
    handle: (deps, call) => patchTrigger(deps, call.caller, call.param('resource'), call.request.body, call.query('triggers.patch', ['updateMask'])['updateMask']),
  },
  {
    method: 'DELETE',
    path: `/v1/${trigger}`,
    handle: (deps, call) => {
      call.query('triggers.delete');
      requireEmptyBody(call.request.body, 'triggers.delete');
      return deleteTrigger(deps, call.caller, call.param('resource'));
    },
  },
  { method: 'GET', path: `/v1/${trigger}/deliveries`, handle: (deps, call) => listDeliveries(deps, call.caller, call.param('resource'), call.query('triggers.listDeliveries', pageQuery)) },
];

/** A method whose request carries its own credential, so the router does not authenticate it. */
export interface PublicApiRoute {
  method: 'POST';
  path: string;
  /** The largest body it is given; a larger one is answered 413 unread. */
  maxBodyBytes: number;
  handle(deps: ApiDeps, request: { param: (name: string) => string; rawBody: Uint8Array; headers: WebhookHeaders }): Promise<WebhookDeliveryResponse>;
}

/**
 * The public delivery endpoint, `POST /v1/{trigger}:deliver`: the webhook's signature is its
 * credential. It is given the body's raw bytes — up to 8 MiB, so that a body over the deliveries'
 * own 1 MiB limit is still recorded as OVERSIZED_BODY — and answers with its own status.
 */
export const webhookDeliveryRoute: PublicApiRoute = {
  method: 'POST',
  path: `/v1/${trigger}/~deliver`,
  maxBodyBytes: 8 * 1024 * 1024,
  handle: (deps, request) => deliverWebhook(deps, { triggerName: request.param('resource'), rawBody: request.rawBody, headers: request.headers }),
};
