import * as functions from '@google-cloud/functions-framework';
import { subscriptionForFunction } from '../infra/topology.ts';
import { deliveryFromCloudEvent } from '../shared/adapters/functions-framework/delivery-from-cloud-event.ts';
import type { DeliveryHandler } from '../shared/engine/settle-delivery.ts';

/** The function that delivers result callbacks: built apart, as the only holder of the signing key. */
export const callbackFunctionNames = ['deliverCallback'] as const;

/**
 * Registers deliverCallback with functions-framework. `handler` is resolved on the first event, so
 * importing this module builds no client and reads no key.
 */
export function registerCallbackFunction(handler: () => DeliveryHandler): readonly string[] {
  const topic = subscriptionForFunction('deliverCallback')?.topic ?? 'deliverCallback';
  functions.cloudEvent('deliverCallback', async (event: unknown) => {
    await handler()(deliveryFromCloudEvent(event, topic));
  });
  return callbackFunctionNames;
}
