import type { GetSubscriptionMetadataResponse, PubSub, Subscription, SubscriptionMetadata } from '@google-cloud/pubsub';
import type { Topology, TopologySubscription } from '../../../infra/topology.ts';

/** Where the push subscription on `topic` that feeds `functionName` should deliver. */
export type PushEndpointFor = (functionName: string, topic: string) => string;

const alreadyExists = 6; // gRPC status ALREADY_EXISTS

async function ignoringAlreadyExists<T>(create: Promise<T>): Promise<T | undefined> {
  return create.catch((error: { code?: number }) => {
    if (error.code === alreadyExists) return undefined;
    throw error;
  });
}

function duration(seconds: number) {
  return { seconds: Math.floor(seconds), nanos: Math.round((seconds % 1) * 1e9) };
}

function durationsEqual(actual: { seconds?: unknown; nanos?: unknown } | null | undefined, seconds: number): boolean {
  const expected = duration(seconds);
  return Number(actual?.seconds ?? 0) === expected.seconds && Number(actual?.nanos ?? 0) === expected.nanos;
}

function desiredMetadata(projectId: string, subscription: TopologySubscription, pushEndpoint: string, retryPolicies: boolean) {
  const { retryPolicy, deadLetterPolicy } = subscription;
  return {
    pushConfig: { pushEndpoint },
    ackDeadlineSeconds: subscription.ackDeadlineSeconds,
    retryPolicy: retryPolicies
      ? {
          minimumBackoff: duration(retryPolicy.minimumBackoffSeconds),
          maximumBackoff: duration(retryPolicy.maximumBackoffSeconds),
        }
      : null,
    deadLetterPolicy: deadLetterPolicy && {
      deadLetterTopic: `projects/${projectId}/topics/${deadLetterPolicy.topic}`,
      maxDeliveryAttempts: deadLetterPolicy.maxDeliveryAttempts,
    },
  } satisfies SubscriptionMetadata;
}

type ActualMetadata = GetSubscriptionMetadataResponse[0];

function matches(actual: ActualMetadata, desired: ReturnType<typeof desiredMetadata>, subscription: TopologySubscription): boolean {
  const retryMatches = desired.retryPolicy
    ? durationsEqual(actual.retryPolicy?.minimumBackoff, subscription.retryPolicy.minimumBackoffSeconds) &&
      durationsEqual(actual.retryPolicy?.maximumBackoff, subscription.retryPolicy.maximumBackoffSeconds)
    : !actual.retryPolicy;
  return (
    actual.pushConfig?.pushEndpoint === desired.pushConfig.pushEndpoint &&
    actual.ackDeadlineSeconds === desired.ackDeadlineSeconds &&
    retryMatches &&
    (actual.deadLetterPolicy?.deadLetterTopic ?? null) === (desired.deadLetterPolicy?.deadLetterTopic ?? null) &&
    (actual.deadLetterPolicy?.maxDeliveryAttempts ?? null) === (desired.deadLetterPolicy?.maxDeliveryAttempts ?? null)
  );
}

async function ensureSubscription(
  pubsub: PubSub,
  subscription: TopologySubscription,
  pushEndpoint: string,
  retryPolicies: boolean,
): Promise<void> {
  const desired = desiredMetadata(pubsub.projectId, subscription, pushEndpoint, retryPolicies);
  const topicName = `projects/${pubsub.projectId}/topics/${subscription.topic}`;
  const created = await ignoringAlreadyExists(pubsub.createSubscription(subscription.topic, subscription.name, desired));
  if (created) return;
  const existing = pubsub.subscription(subscription.name);
  const [actual] = await existing.getMetadata();
  if (actual.topic !== topicName) {
    // A subscription cannot move to another topic; only recreating it can.
    await existing.delete();
    await pubsub.createSubscription(subscription.topic, subscription.name, desired);
  } else if (!matches(actual, desired, subscription)) {
    // Updating in place (rather than recreating) keeps the backlog, e.g. messages published while
    // a `dev` stack was down, which then go to its new port.
    await existing.setMetadata(desired);
  }
}

/**
 * Creates every topic and push subscription of `topology` in the client's project, pushing each
 * subscription to `pushEndpoint(functionName, topic)`. Idempotent: existing topics are kept, an
 * existing subscription whose endpoint, ack deadline, retry or dead-letter policy differs is
 * updated in place, and one attached to another topic is recreated. Meant for the emulator;
 * production gets the same topology from Terraform.
 *
 * `retryPolicies: false` leaves retry policies off (Pub/Sub then redelivers a failed push at
 * once). The local stack needs that: on the emulator, subscriptions with a retry policy stop
 * redelivering nacked messages when several back off at once (measured with 20 messages nacked
 * on one subscription: each got 2–3 deliveries, then none in the next 40 s; without a policy,
 * one about every second). The fault-injection suite found it as runs stuck after a crash.
 */
export async function ensureTopology(
  pubsub: PubSub,
  topology: Topology,
  pushEndpoint: PushEndpointFor,
  options: { retryPolicies?: boolean } = {},
): Promise<void> {
  await pubsub.getClientConfig(); // resolves pubsub.projectId, which the full resource names need
  await Promise.all(topology.topics.map((topic) => ignoringAlreadyExists(pubsub.createTopic(topic))));
  await Promise.all(
    topology.subscriptions.map((subscription) =>
      ensureSubscription(pubsub, subscription, pushEndpoint(subscription.function, subscription.topic), options.retryPolicies ?? true),
    ),
  );
}

/**
 * Creates (or reuses, if one of that name exists) a pull subscription on an existing `topic`, for
 * tests and the CLI to observe what is published there, e.g. `agentline-run-results`. Only
 * messages published after it exists are delivered. Rejects with NOT_FOUND if the topic does not exist.
 */
export async function createPullSubscription(pubsub: PubSub, topic: string, name: string): Promise<Subscription> {
  const created = await ignoringAlreadyExists(pubsub.createSubscription(topic, name));
  return created ? created[0] : pubsub.subscription(name);
}
