import type { PubSub, Topic } from '@google-cloud/pubsub';
import type { OutboxMessage, OutboxTopic } from '../../domain/step.ts';
import type { StepQueue } from '../../ports/step-queue.ts';
import { fromPubSubError } from './pubsub-errors.ts';

/**
 * StepQueue on Pub/Sub. Each outbox topic maps to a real topic name from the topology; the
 * payload is the JSON of the message data (never empty: functions-framework does not convert a
 * push with empty data into a CloudEvent).
 */
export class PubSubStepQueue implements StepQueue {
  readonly #pubsub: PubSub;
  readonly #topicName: (topic: OutboxTopic) => string;
  readonly #topics = new Map<string, Topic>();

  constructor(pubsub: PubSub, topicName: (topic: OutboxTopic) => string) {
    this.#pubsub = pubsub;
    this.#topicName = topicName;
  }

  async publish(messages: readonly OutboxMessage[]): Promise<void> {
    try {
      await Promise.all(
        messages.map((message) =>
          this.#topic(this.#topicName(message.topic)).publishMessage({
            data: Buffer.from(JSON.stringify(message.data)),
            attributes: { agentlineTopic: message.topic },
          }),
        ),
      );
    } catch (error) {
      throw fromPubSubError(error);
    }
  }

  #topic(name: string): Topic {
    let topic = this.#topics.get(name);
    if (!topic) {
      // A step is latency-bound: send at once rather than wait to fill a batch.
      topic = this.#pubsub.topic(name, { batching: { maxMessages: 100, maxMilliseconds: 1 } });
      this.#topics.set(name, topic);
    }
    return topic;
  }
}
