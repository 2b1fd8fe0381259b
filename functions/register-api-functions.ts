import * as functions from '@google-cloud/functions-framework';
import { subscriptionForFunction } from '../infra/topology.ts';
import { deliveryFromCloudEvent } from '../shared/adapters/functions-framework/delivery-from-cloud-event.ts';
import { toApiRequest } from '../shared/adapters/functions-framework/api-request-from-http.ts';
import type { ApiHandlers } from '../shared/wiring/create-api-handlers.ts';

/** Names of the agent registry's functions: the HTTP API and the Pub/Sub-triggered deploy worker. */
export const apiFunctionNames = ['agentsApi', 'deployAgent'] as const;

/**
 * Registers the agents API (`functions.http`) and the deploy worker (`functions.cloudEvent`).
 * `handlers` is resolved on the first request, so importing this module builds no client.
 */
export function registerApiFunctions(handlers: () => ApiHandlers): readonly string[] {
  functions.http('agentsApi', async (request, response) => {
    const result = await handlers().api(toApiRequest(request));
    response.status(result.status).type('application/json').send(JSON.stringify(result.body));
  });
  const topic = subscriptionForFunction('deployAgent')?.topic ?? 'deployAgent';
  functions.cloudEvent('deployAgent', async (event: unknown) => {
    await handlers().deployAgent(deliveryFromCloudEvent(event, topic));
  });
  return apiFunctionNames;
}
