import * as functions from '@google-cloud/functions-framework';
import { subscriptionForFunction } from '../infra/topology.ts';
import { deliveryFromCloudEvent } from '../shared/adapters/functions-framework/delivery-from-cloud-event.ts';
import type { ApiHandlers } from '../shared/wiring/create-api-handlers.ts';

/** The agent registry's Pub/Sub-triggered function: the deploy worker. */
export const apiFunctionNames = ['deployAgent'] as const;

/**
 * The HTTP API is not a function: it is its own service (functions/api-service.ts), so that every
 * failure, a malformed JSON body included, is answered by our router in Google's JSON error shape
 * (docs/architecture.md, "The HTTP API"). Its deployable keeps this registered name.
 */
export const apiServiceName = 'agentsApi';

/**
 * Registers the deploy worker (`functions.cloudEvent`). `handlers` is resolved on the first
 * event, so importing this module builds no client.
 */
export function registerApiFunctions(handlers: () => Pick<ApiHandlers, 'deployAgent'>): readonly string[] {
  const topic = subscriptionForFunction('deployAgent')?.topic ?? 'deployAgent';
  functions.cloudEvent('deployAgent', async (event: unknown) => {
    await handlers().deployAgent(deliveryFromCloudEvent(event, topic));
  });
  return apiFunctionNames;
}
