import * as functions from '@google-cloud/functions-framework';
import { subscriptionForFunction } from '../infra/topology.ts';
import { deliveryFromCloudEvent } from '../shared/adapters/functions-framework/delivery-from-cloud-event.ts';
import type { DeliveryHandler } from '../shared/engine/settle-delivery.ts';
import type { FunctionName } from '../shared/wiring/create-step-handlers.ts';
import { functionNames } from '../shared/wiring/create-step-handlers.ts';

/**
 * Registers every Pub/Sub-triggered function with functions-framework. `handlers` is resolved
 * on the first event, so importing this module builds no client (a deploy's cold start pays for
 * it once). Returning acknowledges; throwing makes Pub/Sub redeliver.
 */
export function registerFunctions(handlers: () => Record<FunctionName, DeliveryHandler>): readonly FunctionName[] {
  for (const name of functionNames) {
    const topic = subscriptionForFunction(name)?.topic ?? name;
    functions.cloudEvent(name, async (event: unknown) => {
      await handlers()[name](deliveryFromCloudEvent(event, topic));
    });
  }
  return functionNames;
}
