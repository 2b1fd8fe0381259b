import type { OutboxMessage } from '../domain/step.ts';

/**
 * Publishes messages to the step topics and the results topic. Delivery downstream is
 * at least once; consumers are idempotent, so publishing the same message twice is harmless.
 */
export interface StepQueue {
  /** Publishes every message; resolves when all are accepted; throws if any was not. */
  publish(messages: readonly OutboxMessage[]): Promise<void>;
}

/**
 * Publishes a message after a delay (Cloud Tasks in production, a local timer in development).
 * Idempotent by `key`: scheduling the same key twice delivers once.
 */
export interface DelayQueue {
  schedule(message: OutboxMessage, delayMs: number, key: string): Promise<void>;
}
