import * as functions from '@google-cloud/functions-framework';
import { subscriptionForFunction } from '../infra/topology.ts';
import { deliveryFromCloudEvent } from '../shared/adapters/functions-framework/delivery-from-cloud-event.ts';
import type { ApiHandlers } from '../shared/wiring/create-api-handlers.ts';

/** The registry's Pub/Sub-triggered functions: the deploy worker, the schedules' and the batches' workers. */
export const apiFunctionNames = ['deployAgent', 'fireSchedule', 'syncScheduleJob', 'fanOutBatch', 'advanceBatch'] as const;

/**
 * The HTTP API is not a function: it is its own service (functions/api-service.ts), so that every
 * failure, a malformed JSON body included, is answered by our router in Google's JSON error shape
 * (docs/architecture.md, "The HTTP API"). Its deployable keeps this registered name.
 */
export const apiServiceName = 'agentsApi';

/**
 * Registers the deploy worker and the schedules' workers (`functions.cloudEvent`). `handlers` is
 * resolved on the first event, so importing this module builds no client.
 */
export function registerApiFunctions(handlers: () => Pick<ApiHandlers, (typeof apiFunctionNames)[number]>): readonly string[] {
  for (const name of apiFunctionNames) {
    const topic = subscriptionForFunction(name)?.topic ?? name;
    functions.cloudEvent(name, async (event: unknown) => {
      await handlers()[name](deliveryFromCloudEvent(event, topic));
    });
  }
  return apiFunctionNames;
}
