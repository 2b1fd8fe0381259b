import type { OutboxMessage } from '../../domain/step.ts';
import type { DelayQueue, StepQueue } from '../../ports/step-queue.ts';

/**
 * DelayQueue for the local stack: a timer per key that publishes through the StepQueue when it
 * fires. Timers live in this process; if it dies, the step they would have woken is overdue
 * (its `dueTime` has passed) and the sweeper re-drives it.
 */
export class LocalDelayQueue implements DelayQueue {
  readonly #queue: StepQueue;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #onError: (error: unknown) => void;

  constructor(queue: StepQueue, onError: (error: unknown) => void = () => {}) {
    this.#queue = queue;
    this.#onError = onError;
  }

  async schedule(message: OutboxMessage, delayMs: number, key: string): Promise<void> {
    if (this.#timers.has(key)) return;
    const timer = setTimeout(() => {
      this.#queue
        .publish([message])
        .catch(this.#onError)
        .finally(() => this.#timers.delete(key));
    }, delayMs);
    this.#timers.set(key, timer);
  }

  /** How many scheduled messages have not been published yet. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Cancels every pending timer (on shutdown). */
  close(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
