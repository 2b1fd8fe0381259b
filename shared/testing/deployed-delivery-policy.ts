import { topology as deployedTopology, type Topology } from '../../infra/topology.ts';
import type { Delivery } from '../engine/delivery.ts';
import type { DeliveryHandler } from '../engine/settle-delivery.ts';
import { deadLetterAttributes } from './dead-letter-attributes.ts';
import { pubsubBackoffSeconds } from './pubsub-backoff.ts';
import { subscriptionPoliciesFromTopology, type SubscriptionPolicy, type SubscriptionPolicyLookup } from './subscription-policies.ts';
import { systemTimers, type TimerHandle, type Timers } from './timers.ts';
import { createWorkTracker } from './work-tracker.ts';

/**
 * Publishes one raw message to a dead-letter topic (in integration tests, the real Pub/Sub client
 * publishing to the emulator). `topic` is the subscription's dead-letter topic, for a publisher
 * that serves more than one.
 */
export type DeadLetterPublisher = (data: Buffer, attributes: Record<string, string>, topic: string) => Promise<void>;

export interface DeployedDeliveryPolicyOptions {
  /** Whose retry and dead-letter policies to enforce: a topology, or a lookup by function name. Default: the deployed topology. */
  policies?: Topology | SubscriptionPolicyLookup;
  publishToDeadLetterTopic: DeadLetterPublisher;
  /** The project dead-lettered messages name as their source; a function when it is known only once the stack runs. */
  projectId: string | (() => string);
  /** Default: real time. */
  timers?: Timers;
  /** Multiplies every backoff (0.05: a 10 s backoff takes 0.5 s), so CI keeps the shape without the wait. Default 1. */
  timeScale?: number;
  /** The backoff's jitter, a number in [0, 1]. Default Math.random. */
  random?: () => number;
}

/** What the layer did, for a test's assertions and figures. */
export interface DeliveryPolicyFigures {
  /** Handler invocations through the layer: the emulator's pushes and the layer's own redeliveries. */
  deliveries: number;
  /** Redeliveries scheduled after a failed delivery. */
  redeliveriesScheduled: number;
  /** Messages forwarded to a dead-letter topic. */
  deadLettered: number;
  /** The most delivery attempts any one message used. */
  maxAttempts: number;
  /** Dead-letter publishes that failed; each is tried again after the maximum backoff. */
  deadLetterPublishFailures: number;
}

/** Where a message stands; 'redelivery cancelled' is one that `close()` stopped retrying. */
export type MessageOutcome = 'in delivery' | 'redelivery pending' | 'redelivery cancelled' | 'acknowledged' | 'dead-lettered';

/** One message as one function's subscription saw it. */
export interface MessageAttempts {
  functionName: string;
  messageId: string;
  /** Delivery attempts so far, as Pub/Sub counts them: 1 + nacks. */
  attempts: number;
  outcome: MessageOutcome;
  lastError?: string;
}

/** A message the layer forwarded to a dead-letter topic, exactly as it published it. */
export interface DeadLetteredMessage {
  functionName: string;
  messageId: string;
  topic: string;
  attempts: number;
  data: Buffer;
  attributes: Record<string, string>;
}

interface MessageState extends MessageAttempts {
  delivery: Delivery;
  firstDeliveryTime: number;
  redelivery?: TimerHandle;
}

/**
 * Enforces the deployed push subscriptions' retry and dead-letter policies on top of the Pub/Sub
 * emulator, which redelivers a nacked push about every second and whose subscriptions the local
 * stack creates without retry policies (it stalls with them; see `ensureTopology`).
 *
 * A wrapped handler that throws is a nack. The layer answers the emulator's push normally (so
 * the emulator forgets the message) and does what Pub/Sub would: it redelivers the same message
 * (same id, data and attributes) to the same handler after the subscription's exponential
 * backoff (`pubsubBackoffSeconds`), counting attempts per function and message id. When a
 * message's attempts reach the dead-letter policy's `maxDeliveryAttempts`, it publishes the
 * message to the dead-letter topic with the original attributes plus Pub/Sub's
 * (`deadLetterAttributes`). A subscription without a dead-letter policy (the dead-letter topic's
 * own) retries with backoff until `close()`.
 *
 * Settling: a success from any delivery acknowledges the message and cancels its pending
 * redelivery; a failure is ignored once the message is acknowledged or dead-lettered, or when a
 * newer delivery of it has started (the newer one began because the emulator counted the older
 * one as failed already, at its ack deadline; counting its nack too would spend two attempts).
 *
 * Ack deadlines are NOT simulated: a redelivery the layer makes runs with no deadline. The
 * emulator still applies the subscription's (unscaled) ack deadline to the pushes it sends: when
 * it gives up on one and pushes again, the new push reaches the layer with the same message id
 * and counts as a delivery attempt, as in Pub/Sub, while the first invocation keeps running.
 * The source publish time on a dead letter is when the layer first saw the message, because a
 * Delivery carries no publish time.
 */
export function createDeployedDeliveryPolicy(options: DeployedDeliveryPolicyOptions) {
  const policies = options.policies ?? deployedTopology;
  const policyOf: SubscriptionPolicyLookup = typeof policies === 'function' ? policies : subscriptionPoliciesFromTopology(policies);
  const timers = options.timers ?? systemTimers;
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0 && Number.isFinite(timeScale))) throw new RangeError(`timeScale must be a positive number, not ${timeScale}`);
  const random = options.random ?? Math.random;
  const projectId = () => (typeof options.projectId === 'function' ? options.projectId() : options.projectId);

  const figures: DeliveryPolicyFigures = { deliveries: 0, redeliveriesScheduled: 0, deadLettered: 0, maxAttempts: 0, deadLetterPublishFailures: 0 };
  const states = new Map<string, MessageState>();
  const deadLettered: DeadLetteredMessage[] = [];
  const timersPending = new Set<TimerHandle>();
  const work = createWorkTracker();
  let closed = false;

  const backoffMs = (failedDeliveries: number, policy: SubscriptionPolicy) =>
    pubsubBackoffSeconds(failedDeliveries, policy, random()) * 1000 * timeScale;

  function schedule(delayMs: number, callback: () => void): TimerHandle {
    const handle = timers.setTimeout(() => {
      timersPending.delete(handle);
      // The callback begins its own work synchronously, so ending the timer's after it never
      // lets idle() resolve in between.
      callback();
      work.end();
    }, delayMs);
    timersPending.add(handle);
    work.begin();
    return handle;
  }

  function cancel(handle: TimerHandle): void {
    if (!timersPending.delete(handle)) return;
    timers.clearTimeout(handle);
    work.end();
  }

  async function deliver(functionName: string, handler: DeliveryHandler, policy: SubscriptionPolicy, delivery: Delivery): Promise<void> {
    const state = stateOf(functionName, delivery);
    const attempt = ++state.attempts;
    if (state.outcome === 'redelivery pending' && !state.redelivery) state.outcome = 'in delivery';
    figures.deliveries++;
    figures.maxAttempts = Math.max(figures.maxAttempts, attempt);
    work.begin();
    try {
      await handler(copyOf(state.delivery));
      acknowledge(state);
    } catch (error) {
      nack(state, handler, policy, attempt, error);
    } finally {
      work.end();
    }
  }

  function stateOf(functionName: string, delivery: Delivery): MessageState {
    const key = `${functionName}\u0000${delivery.messageId}`;
    let state = states.get(key);
    if (!state) {
      state = { functionName, messageId: delivery.messageId, attempts: 0, outcome: 'in delivery', delivery: copyOf(delivery), firstDeliveryTime: timers.now() };
      states.set(key, state);
    }
    return state;
  }

  function acknowledge(state: MessageState): void {
    if (state.outcome === 'dead-lettered') return;
    if (state.redelivery) cancel(state.redelivery);
    state.redelivery = undefined;
    state.outcome = 'acknowledged';
  }

  function nack(state: MessageState, handler: DeliveryHandler, policy: SubscriptionPolicy, attempt: number, error: unknown): void {
    state.lastError = error instanceof Error ? error.message : String(error);
    const settled = state.outcome === 'acknowledged' || state.outcome === 'dead-lettered';
    if (settled || attempt < state.attempts || state.redelivery || closed) return;
    if (policy.deadLetter && state.attempts >= policy.deadLetter.maxDeliveryAttempts) {
      forwardToDeadLetterTopic(state, policy, policy.deadLetter.topic);
      return;
    }
    state.outcome = 'redelivery pending';
    figures.redeliveriesScheduled++;
    state.redelivery = schedule(backoffMs(state.attempts, policy), () => {
      state.redelivery = undefined;
      void deliver(state.functionName, handler, policy, state.delivery);
    });
  }

  function forwardToDeadLetterTopic(state: MessageState, policy: SubscriptionPolicy, topic: string): void {
    state.outcome = 'dead-lettered';
    const attributes = deadLetterAttributes(state.delivery.attributes, {
      deliveryCount: state.attempts,
      subscription: policy.subscription,
      projectId: projectId(),
      publishTime: state.firstDeliveryTime,
    });
    const message: DeadLetteredMessage = { functionName: state.functionName, messageId: state.messageId, topic, attempts: state.attempts, data: Buffer.from(state.delivery.data), attributes };
    figures.deadLettered++;
    deadLettered.push(message);
    const publish = () => {
      work.begin();
      Promise.resolve()
        .then(() => options.publishToDeadLetterTopic(Buffer.from(message.data), { ...attributes }, topic))
        .catch(() => {
          // Pub/Sub keeps the message until the forward succeeds; so does the layer, until close().
          figures.deadLetterPublishFailures++;
          if (!closed) schedule(policy.maximumBackoffSeconds * 1000 * timeScale, publish);
        })
        .finally(() => work.end());
    };
    publish();
  }

  return {
    figures,
    /** Wraps each handler whose function a subscription pushes to; others are returned unchanged. */
    wrapHandlers<Name extends string>(toWrap: Record<Name, DeliveryHandler>): Record<Name, DeliveryHandler> {
      const entries = Object.entries<DeliveryHandler>(toWrap).map(([name, handler]): [string, DeliveryHandler] => {
        const policy = policyOf(name);
        if (!policy) return [name, handler];
        // After close() the layer is off: failures go back to the emulator as they would without it.
        return [name, (delivery) => (closed ? handler(delivery) : deliver(name, handler, policy, delivery))];
      });
      return Object.fromEntries(entries) as Record<Name, DeliveryHandler>;
    },
    /** Delivery attempts of one message to one function so far; 0 when it was never delivered. */
    attemptsOf(functionName: string, messageId: string): number {
      return states.get(`${functionName}\u0000${messageId}`)?.attempts ?? 0;
    },
    /** Every message the layer has seen, per function, in the order first delivered. */
    messages(): MessageAttempts[] {
      return [...states.values()].map(({ functionName, messageId, attempts, outcome, lastError }) => ({
        functionName,
        messageId,
        attempts,
        outcome,
        ...(lastError === undefined ? {} : { lastError }),
      }));
    },
    /** Messages forwarded to a dead-letter topic, in order, with the attributes they were published with. */
    deadLetteredMessages(): DeadLetteredMessage[] {
      return deadLettered.map((message) => ({ ...message, data: Buffer.from(message.data), attributes: { ...message.attributes } }));
    },
    /**
     * Resolves when nothing is pending: no redelivery scheduled, no delivery through the layer
     * running and no dead-letter publish in flight. Never resolves while a subscription without a
     * dead-letter policy keeps failing; a dead letter's own push comes from the emulator, later.
     */
    idle(): Promise<void> {
      return work.idle();
    },
    /**
     * Cancels every pending redelivery and dead-letter retry and turns the layer off; resolves when
     * the deliveries and publishes already running have finished. Idempotent.
     */
    close(): Promise<void> {
      closed = true;
      for (const handle of [...timersPending]) cancel(handle);
      for (const state of states.values()) {
        if (state.outcome === 'redelivery pending') state.outcome = 'redelivery cancelled';
        state.redelivery = undefined;
      }
      return work.idle();
    },
  };
}

/** A delivery as a new push would carry it: nothing a handler changes reaches the next attempt. */
function copyOf(delivery: Delivery): Delivery {
  return { ...delivery, data: Buffer.from(delivery.data), attributes: { ...delivery.attributes } };
}
