import type { Caller } from '../domain/agents/permissions.ts';
import type { WebhookHeaders } from '../webhooks/index.ts';
import type { ApiDeps } from './api-deps.ts';
import { deliverWebhook, type WebhookDeliveryResponse } from './deliver-webhook.ts';
import { readQuery, requireEmptyBody } from './request-parameters.ts';
import { createTrigger, deleteTrigger, getTrigger, listDeliveries, listTriggers, patchTrigger } from './trigger-methods.ts';

/** What a trigger method gets of its request: the path's resource name, the query, the parsed body. */
export interface TriggerRouteRequest {
  resource: string;
  query: Record<string, string | undefined>;
  body: unknown;
}

/**
 * One authenticated trigger method: `pathPattern` matches the decoded path and captures the
 * resource name as `resource`; the router authenticates, then calls `handle`, whose errors its one
 * error mapper turns into Google's error shape (answered 200 otherwise).
 */
export interface TriggerRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  pathPattern: RegExp;
  /** The method's name in errors about its query parameters. */
  name: string;
  handle(deps: ApiDeps, caller: Caller, request: TriggerRouteRequest): Promise<unknown>;
}

const triggers = /^\/v1\/(?<resource>projects\/[^:]+\/agents\/[^/:]+)\/triggers$/;
const trigger = /^\/v1\/(?<resource>projects\/[^:]+\/agents\/[^/:]+\/triggers\/[^/:]+)$/;
const deliveries = /^\/v1\/(?<resource>projects\/[^:]+\/agents\/[^/:]+\/triggers\/[^/:]+)\/deliveries$/;
const pageQuery = ['pageSize', 'pageToken'];

/** The trigger methods (README, "Webhook triggers"), for the router to mount as a table. */
export const triggerRoutes: readonly TriggerRoute[] = [
  {
    method: 'POST',
    pathPattern: triggers,
    name: 'triggers.create',
    handle: (deps, caller, { resource, query, body }) => createTrigger(deps, caller, resource, readQuery(query, 'triggers.create', ['triggerId'])['triggerId'], body),
  },
  { method: 'GET', pathPattern: triggers, name: 'triggers.list', handle: (deps, caller, { resource, query }) => listTriggers(deps, caller, resource, readQuery(query, 'triggers.list', pageQuery)) },
  {
    method: 'GET',
    pathPattern: trigger,
    name: 'triggers.get',
    handle: (deps, caller, { resource, query }) => (readQuery(query, 'triggers.get', []), getTrigger(deps, caller, resource)),
  },
  {
    method: 'PATCH',
    pathPattern: trigger,
    name: 'triggers.patch',
    handle: (deps, caller, { resource, query, body }) => patchTrigger(deps, caller, resource, body, readQuery(query, 'triggers.patch', ['updateMask'])['updateMask']),
  },
  {
    method: 'DELETE',
    pathPattern: trigger,
    name: 'triggers.delete',
    handle: (deps, caller, { resource, query, body }) => {
      readQuery(query, 'triggers.delete', []);
      requireEmptyBody(body, 'triggers.delete');
      return deleteTrigger(deps, caller, resource);
    },
  },
  {
    method: 'GET',
    pathPattern: deliveries,
    name: 'triggers.listDeliveries',
    handle: (deps, caller, { resource, query }) => listDeliveries(deps, caller, resource, readQuery(query, 'triggers.listDeliveries', pageQuery)),
  },
];

/** The matching trigger method and the resource its path names; undefined when none matches. */
export function matchTriggerRoute(method: string, path: string): { route: TriggerRoute; resource: string } | undefined {
  for (const route of triggerRoutes) {
    const resource = route.method === method ? route.pathPattern.exec(path)?.groups?.['resource'] : undefined;
    if (resource !== undefined) return { route, resource };
  }
  return undefined;
}

/**
 * The public delivery endpoint, `POST /v1/{trigger}:deliver`: mounted before authentication (the
 * webhook's signature is its credential), given the body's raw bytes and the headers, answering
 * with its own status and body.
 */
export const webhookDeliveryRoute = {
  method: 'POST',
  pathPattern: /^\/v1\/(?<resource>projects\/[^:]+\/agents\/[^/:]+\/triggers\/[^/:]+):deliver$/,
  handle: (deps: ApiDeps, request: { triggerName: string; rawBody: Uint8Array; headers: WebhookHeaders }): Promise<WebhookDeliveryResponse> => deliverWebhook(deps, request),
} as const;

/** The trigger a delivery request is for; undefined when the request is not a delivery. */
export function matchWebhookDelivery(method: string, path: string): string | undefined {
  return method === webhookDeliveryRoute.method ? webhookDeliveryRoute.pathPattern.exec(path)?.groups?.['resource'] : undefined;
}
