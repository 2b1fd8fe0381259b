import type { CloudTasksClient } from '@google-cloud/tasks';
import type { OutboxMessage, OutboxTopic } from '../../domain/step.ts';
import type { Clock } from '../../ports/clock.ts';
import type { DelayQueue } from '../../ports/step-queue.ts';
import { fromCloudTasksError, isTaskAlreadyScheduled } from './from-cloud-tasks-error.ts';
import { toCloudTask } from './to-cloud-task.ts';

/** Everything CloudTasksDelayQueue needs besides the client. */
export interface CloudTasksDelayQueueOptions {
  /** The delay queue: `projects/P/locations/L/queues/Q`. */
  queuePath: string;
  /** Full Pub/Sub topic name (`projects/P/topics/T`) for an outbox topic. */
  topicName: (topic: OutboxTopic) => string;
  /** Identity of the OAuth token the task publishes with (needs roles/pubsub.publisher). */
  serviceAccountEmail: string;
  clock: Clock;
}

/**
 * DelayQueue on Cloud Tasks. Each schedule creates one HTTP task that calls Pub/Sub's publish
 * method at the due time, so the delayed message arrives exactly like a directly published one.
 *
 * Idempotent by key: the task name is derived from the key, and Cloud Tasks refuses a second task
 * with the same name (ALREADY_EXISTS, which resolves here). The service remembers names for a
 * while after a task ran, so keys must not be reused for a different message.
 */
export class CloudTasksDelayQueue implements DelayQueue {
  readonly #client: CloudTasksClient;
  readonly #options: CloudTasksDelayQueueOptions;

  constructor(client: CloudTasksClient, options: CloudTasksDelayQueueOptions) {
    this.#client = client;
    this.#options = options;
  }

  /** Resolves once the task exists (created now or earlier); throws TransientError when it may work later. */
  async schedule(message: OutboxMessage, delayMs: number, key: string): Promise<void> {
    const { queuePath, topicName, serviceAccountEmail, clock } = this.#options;
    const request = toCloudTask(message, clock.now() + Math.max(0, delayMs), key, {
      queuePath,
      topicName: topicName(message.topic),
      serviceAccountEmail,
    });
    try {
      await this.#client.createTask(request);
    } catch (error) {
      if (isTaskAlreadyScheduled(error)) return;
      throw fromCloudTasksError(error);
    }
  }
}
