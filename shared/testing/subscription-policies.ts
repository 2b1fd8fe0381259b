import { subscriptionForFunction, type Topology } from '../../infra/topology.ts';
import type { RetryBackoff } from './pubsub-backoff.ts';

/** How the push subscription feeding one function retries and dead-letters, as deployed. */
export interface SubscriptionPolicy extends RetryBackoff {
  /** The subscription's short name, as dead-lettered messages report it. */
  subscription: string;
  /** Null when the subscription has no dead-letter policy: a failing message is retried forever. */
  deadLetter: { topic: string; maxDeliveryAttempts: number } | null;
}

/** The policy of the subscription that pushes to `functionName`; undefined when none does. */
export type SubscriptionPolicyLookup = (functionName: string) => SubscriptionPolicy | undefined;

/** Reads every push subscription's retry and dead-letter policy from a topology. */
export function subscriptionPoliciesFromTopology(topology: Topology): SubscriptionPolicyLookup {
  return (functionName) => {
    const subscription = subscriptionForFunction(functionName, topology);
    if (!subscription) return undefined;
    return {
      subscription: subscription.name,
      minimumBackoffSeconds: subscription.retryPolicy.minimumBackoffSeconds,
      maximumBackoffSeconds: subscription.retryPolicy.maximumBackoffSeconds,
      deadLetter: subscription.deadLetterPolicy && { ...subscription.deadLetterPolicy },
    };
  };
}
