/**
 * The attributes Pub/Sub adds to a message it forwards to a dead-letter topic. Names and value
 * formats as Google's Pub/Sub emulator (0.8.20, `MessageBacklog`, read from the jar the gcloud SDK
 * installs) writes them; code that reads production dead letters uses the same names. Production
 * also knows `CloudPubSubDeadLetterSourceDeliveryErrorMessage`, seen on messages an export
 * (BigQuery) subscription could not write; a push subscription's failure has no such message
 * (the push only answered with a status), and the emulator never sets it, so it is left out.
 */
export const deadLetterAttributeNames = {
  /** Delivery attempts made on the source subscription, in decimal. */
  deliveryCount: 'CloudPubSubDeadLetterSourceDeliveryCount',
  /** The source subscription's short name (not its `projects/.../subscriptions/...` path). */
  subscription: 'CloudPubSubDeadLetterSourceSubscription',
  /** The project of the source subscription. */
  subscriptionProject: 'CloudPubSubDeadLetterSourceSubscriptionProject',
  /** When the message was first published, RFC 3339 in UTC. */
  topicPublishTime: 'CloudPubSubDeadLetterSourceTopicPublishTime',
} as const;

export interface DeadLetterSource {
  deliveryCount: number;
  subscription: string;
  projectId: string;
  publishTime: number;
}

/**
 * The attributes of the copy published to the dead-letter topic: the message's own, with Pub/Sub's
 * four on top (they win a clash, as the service overwrites them).
 */
export function deadLetterAttributes(original: Record<string, string>, source: DeadLetterSource): Record<string, string> {
  return {
    ...original,
    [deadLetterAttributeNames.deliveryCount]: String(source.deliveryCount),
    [deadLetterAttributeNames.subscription]: source.subscription,
    [deadLetterAttributeNames.subscriptionProject]: source.projectId,
    [deadLetterAttributeNames.topicPublishTime]: new Date(source.publishTime).toISOString(),
  };
}
