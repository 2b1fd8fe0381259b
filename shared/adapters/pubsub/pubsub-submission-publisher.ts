import type { PubSub } from '@google-cloud/pubsub';
import type { Submission } from '../../domain/submission.ts';
import { fromPubSubError } from './pubsub-errors.ts';

/**
 * Publishes run submissions on the submissions topic; resolves with the Pub/Sub message id.
 * `attributes` carry the submitter's proof (`authorization: Bearer <token>`).
 */
export class PubSubSubmissionPublisher {
  readonly #pubsub: PubSub;
  readonly #topic: string;

  constructor(pubsub: PubSub, topic: string) {
    this.#pubsub = pubsub;
    this.#topic = topic;
  }

  async publish(submission: Submission, attributes: Record<string, string> = {}): Promise<string> {
    try {
      return await this.#pubsub.topic(this.#topic).publishMessage({ data: Buffer.from(JSON.stringify(submission)), attributes });
    } catch (error) {
      throw fromPubSubError(error);
    }
  }
}
