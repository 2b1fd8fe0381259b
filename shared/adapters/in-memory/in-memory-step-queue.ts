import type { OutboxMessage, OutboxTopic } from '../../domain/step.ts';
import type { StepQueue } from '../../ports/step-queue.ts';
import type { Delivery } from '../../engine/delivery.ts';

export type Subscriber = (delivery: Delivery) => Promise<void>;

/** Outbox topics plus the submission topic and the dead-letter topic. */
export type InMemoryTopic = OutboxTopic | 'tasks' | 'dead-letter';

export interface InMemoryStepQueueOptions {
  /** Delay before a failed delivery is retried (Pub/Sub's retry policy). */
  redeliveryDelayMs?: number;
  /** Deliveries before a message goes to the dead-letter subscriber. */
  maxDeliveryAttempts?: number;
}

/**
 * Pub/Sub push semantics in memory: every published message is delivered asynchronously to its
 * topic's subscriber; a delivery that throws is redelivered after a delay, and after the last
 * attempt goes to the dead-letter subscriber. Payloads are serialized like real messages.
 */
export class InMemoryStepQueue implements StepQueue {
  readonly #subscribers = new Map<InMemoryTopic, Subscriber>();
  readonly #redeliveryDelayMs: number;
  readonly #maxDeliveryAttempts: number;
  readonly #published: { topic: InMemoryTopic; data: Buffer; messageId: string }[] = [];
  #inFlight = 0;
  #idleWaiters: (() => void)[] = [];
  #nextMessageId = 1;

  constructor(options: InMemoryStepQueueOptions = {}) {
    this.#redeliveryDelayMs = options.redeliveryDelayMs ?? 5;
    this.#maxDeliveryAttempts = options.maxDeliveryAttempts ?? 20;
  }

  /** Routes a topic's messages to `subscriber` (one per topic, like one push subscription). */
  subscribe(topic: InMemoryTopic, subscriber: Subscriber): void {
    this.#subscribers.set(topic, subscriber);
  }

  async publish(messages: readonly OutboxMessage[]): Promise<void> {
    for (const message of messages) {
      this.publishRaw(message.topic, Buffer.from(JSON.stringify(message.data)));
    }
  }

  /** Publishes bytes as they are (tests use it for malformed messages). Returns the message id. */
  publishRaw(topic: InMemoryTopic, data: Buffer, attributes: Record<string, string> = {}): string {
    const messageId = String(this.#nextMessageId++);
    this.#published.push({ topic, data: Buffer.from(data), messageId });
    this.#deliver(topic, { messageId, data: Buffer.from(data), attributes, source: topic }, 1);
    return messageId;
  }

  /** Every message published so far, in order. */
  get published(): readonly { topic: InMemoryTopic; data: Buffer; messageId: string }[] {
    return this.#published;
  }

  /** Resolves once no delivery is in flight or waiting to be retried. */
  idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #deliver(topic: InMemoryTopic, delivery: Delivery, attempt: number, delayMs = 0): void {
    const subscriber = this.#subscribers.get(topic);
    if (!subscriber) return; // like a topic without subscriptions: the message is not kept
    this.#inFlight++;
    setTimeout(() => {
      subscriber({ ...delivery, data: Buffer.from(delivery.data) })
        .catch(() => {
          if (attempt < this.#maxDeliveryAttempts) {
            this.#deliver(topic, delivery, attempt + 1, this.#redeliveryDelayMs);
          } else if (topic !== 'dead-letter') {
            this.#deliver('dead-letter', { ...delivery, attributes: { ...delivery.attributes, agentlineTopic: topic } }, 1);
          }
        })
        .finally(() => this.#settle());
    }, delayMs);
  }

  #settle(): void {
    this.#inFlight--;
    if (this.#inFlight > 0) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
