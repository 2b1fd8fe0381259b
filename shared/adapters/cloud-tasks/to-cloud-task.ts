import type { protos } from '@google-cloud/tasks';
import { InvalidInputError } from '../../domain/errors.ts';
import type { OutboxMessage } from '../../domain/step.ts';
import { taskNameForKey } from './task-id.ts';

type CreateTaskRequest = protos.google.cloud.tasks.v2.ICreateTaskRequest;

/** Where and as whom a delayed message is published. */
export interface CloudTaskTarget {
  /** `projects/P/locations/L/queues/Q`. */
  queuePath: string;
  /** Full topic name (`projects/P/topics/T`) of the topic `message.topic` is published on. */
  topicName: string;
  /** The identity whose OAuth token Cloud Tasks attaches; it must be allowed to publish. */
  serviceAccountEmail: string;
}

/** The scope Pub/Sub's REST API needs to publish (narrower than cloud-platform). */
export const pubSubScope = 'https://www.googleapis.com/auth/pubsub';

const fullTopicName = /^projects\/[^/]+\/topics\/[^/]+$/;

/**
 * The CreateTask request that publishes `message` at `scheduleAtMs`. The task's HTTP target is
 * Pub/Sub's own REST publish method, so no function of ours has to relay it; the published message
 * is exactly what PubSubStepQueue publishes (data = JSON of `message.data`, attribute
 * `agentlineTopic`). Pure. Throws InvalidInputError for a topic name that is not a full name.
 */
export function toCloudTask(
  message: OutboxMessage,
  scheduleAtMs: number,
  key: string,
  target: CloudTaskTarget,
): CreateTaskRequest {
  if (!fullTopicName.test(target.topicName)) {
    throw new InvalidInputError(`Cloud Tasks delay queue: '${target.topicName}' is not a full topic name (projects/P/topics/T)`);
  }
  const publishRequest = {
    messages: [
      {
        data: Buffer.from(JSON.stringify(message.data), 'utf8').toString('base64'),
        attributes: { agentlineTopic: message.topic },
      },
    ],
  };
  return {
    parent: target.queuePath,
    task: {
      name: taskNameForKey(target.queuePath, key),
      scheduleTime: toTimestamp(scheduleAtMs),
      httpRequest: {
        httpMethod: 'POST',
        url: `https://pubsub.googleapis.com/v1/${target.topicName}:publish`,
        // Cloud Tasks sends application/octet-stream unless told; Pub/Sub accepts only JSON.
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from(JSON.stringify(publishRequest), 'utf8'),
        oauthToken: { serviceAccountEmail: target.serviceAccountEmail, scope: pubSubScope },
      },
    },
  };
}

function toTimestamp(epochMs: number): { seconds: number; nanos: number } {
  const wholeMs = Math.floor(epochMs);
  const seconds = Math.floor(wholeMs / 1000);
  return { seconds, nanos: (wholeMs - seconds * 1000) * 1_000_000 };
}
