import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../domain/errors.ts';
import type { OutboxMessage } from '../../domain/step.ts';
import { stepOutboxMessage } from '../../domain/step.ts';
import { taskNameForKey } from './task-id.ts';
import { toCloudTask, type CloudTaskTarget } from './to-cloud-task.ts';

const target: CloudTaskTarget = {
  queuePath: 'projects/p/locations/europe-west1/queues/agentline-delay',
  topicName: 'projects/p/topics/agentline-step-model',
  serviceAccountEmail: 'agentline-invoker@p.iam.gserviceaccount.com',
};

function decodePublishBody(body: unknown): { data: unknown; attributes: unknown }[] {
  const request = JSON.parse(Buffer.from(body as Uint8Array).toString('utf8')) as { messages: { data: string; attributes: unknown }[] };
  return request.messages.map((message) => ({
    data: JSON.parse(Buffer.from(message.data, 'base64').toString('utf8')),
    attributes: message.attributes,
  }));
}

describe('toCloudTask', () => {
  it.each<[string, number, { seconds: number; nanos: number }]>([
    ['a whole second', 1_774_776_600_000, { seconds: 1_774_776_600, nanos: 0 }],
    ['milliseconds as nanos', 1_774_776_600_250, { seconds: 1_774_776_600, nanos: 250_000_000 }],
    ['sub-millisecond time truncated', 1_774_776_600_999.9, { seconds: 1_774_776_600, nanos: 999_000_000 }],
  ])('schedules %s as a protobuf Timestamp', (_case, scheduleAtMs, expected) => {
    expect(toCloudTask(stepOutboxMessage('r', '1-model-0'), scheduleAtMs, 'k', target).task?.scheduleTime).toEqual(expected);
  });

  it('names the task in the queue after the key', () => {
    const request = toCloudTask(stepOutboxMessage('r', '1-model-0'), 0, 'r-s-1', target);
    expect(request.parent).toBe(target.queuePath);
    expect(request.task?.name).toBe(taskNameForKey(target.queuePath, 'r-s-1'));
  });

  it("posts JSON to the topic's Pub/Sub publish method with an OAuth token for the service account", () => {
    const { httpRequest } = toCloudTask(stepOutboxMessage('r', '1-model-0'), 0, 'k', target).task ?? {};
    expect(httpRequest).toMatchObject({
      httpMethod: 'POST',
      url: 'https://pubsub.googleapis.com/v1/projects/p/topics/agentline-step-model:publish',
      headers: { 'Content-Type': 'application/json' },
      oauthToken: { serviceAccountEmail: target.serviceAccountEmail, scope: 'https://www.googleapis.com/auth/pubsub' },
    });
    expect(httpRequest?.oidcToken).toBeUndefined();
  });

  it.each<[string, OutboxMessage]>([
    ['a step message', stepOutboxMessage('run-1', '3-model-0')],
    ['a results message', { topic: 'results', data: { runId: 'run-1', state: 'SUCCEEDED', output: 'é ✓ "quoted"' } }],
  ])('carries %s as the base64 JSON data of one Pub/Sub message, as PubSubStepQueue publishes it', (_case, message) => {
    const { httpRequest } = toCloudTask(message, 0, 'k', target).task ?? {};
    expect(decodePublishBody(httpRequest?.body)).toEqual([{ data: message.data, attributes: { agentlineTopic: message.topic } }]);
  });

  it.each([['agentline-step-model'], ['projects/p/topics/'], ['projects/p/subscriptions/s']])(
    'refuses %j as a topic name, since the URL needs the full name',
    (topicName) => {
      expect(() => toCloudTask(stepOutboxMessage('r', '1-model-0'), 0, 'k', { ...target, topicName })).toThrow(InvalidInputError);
    },
  );
});
