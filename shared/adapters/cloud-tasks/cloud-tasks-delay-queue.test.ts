import { grpc } from 'google-gax';
import { beforeEach, describe, expect, it } from 'vitest';
import { isRetryable, PermanentDependencyError, TransientError } from '../../domain/errors.ts';
import { stepOutboxMessage } from '../../domain/step.ts';
import { useLocalCloudTasks } from '../../testing/local-cloud-tasks.ts';
import { CloudTasksDelayQueue } from './cloud-tasks-delay-queue.ts';
import { taskNameForKey } from './task-id.ts';

const queuePath = 'projects/agentline-test/locations/europe-west1/queues/agentline-delay';
const serviceAccountEmail = 'agentline-invoker@agentline-test.iam.gserviceaccount.com';
const now = Date.UTC(2026, 2, 29, 9, 30, 0, 250);
const message = stepOutboxMessage('run-1', '3-model-0');

const cloudTasks = useLocalCloudTasks();
let delayQueue: CloudTasksDelayQueue;

beforeEach(() => {
  delayQueue = new CloudTasksDelayQueue(cloudTasks.client, {
    queuePath,
    topicName: (topic) => `projects/agentline-test/topics/agentline-step-${topic}`,
    serviceAccountEmail,
    clock: { now: () => now },
  });
});

describe('CloudTasksDelayQueue with the real CloudTasksClient', () => {
  it('creates a task in the queue, named after the key, due after the delay', async () => {
    await delayQueue.schedule(message, 1_500, 'run-1-3-model-0-2');
    const name = taskNameForKey(queuePath, 'run-1-3-model-0-2');
    expect([...cloudTasks.server.tasks.keys()]).toEqual([name]);
    expect(cloudTasks.server.requests[0]?.request).toMatchObject({ parent: queuePath });
    // The client sends the routing header the real service needs to find the queue.
    expect(decodeURIComponent(cloudTasks.server.requests[0]?.metadata['x-goog-request-params'] ?? '')).toBe(`parent=${queuePath}`);
    expect(cloudTasks.server.tasks.get(name)?.scheduleTime).toEqual({ seconds: Math.floor((now + 1_500) / 1000), nanos: 750_000_000 });
  });

  it("targets Pub/Sub's publish method for the message's topic with the service account's token", async () => {
    await delayQueue.schedule(message, 0, 'key');
    const httpRequest = cloudTasks.server.tasks.get(taskNameForKey(queuePath, 'key'))?.httpRequest;
    expect(httpRequest).toMatchObject({
      httpMethod: 'POST',
      url: 'https://pubsub.googleapis.com/v1/projects/agentline-test/topics/agentline-step-model:publish',
      headers: { 'Content-Type': 'application/json' },
      oauthToken: { serviceAccountEmail, scope: 'https://www.googleapis.com/auth/pubsub' },
    });
    const publish = JSON.parse(httpRequest?.body?.toString('utf8') ?? '{}') as { messages: { data: string; attributes: unknown }[] };
    expect(publish.messages).toHaveLength(1);
    expect(publish.messages[0]?.attributes).toEqual({ agentlineTopic: 'model' });
    expect(JSON.parse(Buffer.from(publish.messages[0]?.data ?? '', 'base64').toString('utf8'))).toEqual(message.data);
  });

  it('creates one task when the same key is scheduled twice, and both calls resolve', async () => {
    await delayQueue.schedule(message, 1_000, 'same-key');
    await expect(delayQueue.schedule(message, 5_000, 'same-key')).resolves.toBeUndefined();
    // Both requests name the same task: that name is all the service deduplicates on.
    const name = taskNameForKey(queuePath, 'same-key');
    expect(cloudTasks.server.requests.map((call) => [call.method, (call.request['task'] as { name?: string } | undefined)?.name])).toEqual([
      ['CreateTask', name],
      ['CreateTask', name],
    ]);
    expect(cloudTasks.server.tasks.size).toBe(1);
    // The first schedule stands; the repeat changed nothing.
    expect(cloudTasks.server.tasks.get(name)?.scheduleTime?.seconds).toBe(Math.floor((now + 1_000) / 1000));
  });

  it('schedules distinct keys as distinct tasks', async () => {
    await delayQueue.schedule(message, 0, 'run-1-3-model-0-1');
    await delayQueue.schedule(message, 0, 'run-1-3-model-0-2');
    expect(cloudTasks.server.tasks.size).toBe(2);
  });

  it('throws a retryable TransientError keeping the cause when Cloud Tasks is UNAVAILABLE', async () => {
    cloudTasks.server.failNextCall(grpc.status.UNAVAILABLE, 'queue backend restarting');
    const error = await delayQueue.schedule(message, 0, 'key').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect(isRetryable(error)).toBe(true);
    expect((error as TransientError).message).toMatch(/UNAVAILABLE.*queue backend restarting/);
    expect((error as TransientError).cause).toMatchObject({ code: grpc.status.UNAVAILABLE });
    // CreateTask is not retried by the client, so exactly one attempt reached the server.
    expect(cloudTasks.server.requests).toHaveLength(1);
    expect(cloudTasks.server.tasks.size).toBe(0);
  });

  it('throws a non-retryable PermanentDependencyError keeping the cause when Cloud Tasks answers PERMISSION_DENIED', async () => {
    cloudTasks.server.failNextCall(grpc.status.PERMISSION_DENIED, 'cloudtasks.tasks.create denied');
    const error = await delayQueue.schedule(message, 0, 'key').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PermanentDependencyError);
    expect(isRetryable(error)).toBe(false);
    expect((error as PermanentDependencyError).message).toMatch(/PERMISSION_DENIED.*cloudtasks\.tasks\.create denied/);
    expect((error as PermanentDependencyError).cause).toMatchObject({ code: grpc.status.PERMISSION_DENIED, details: 'cloudtasks.tasks.create denied' });
    expect(cloudTasks.server.tasks.size).toBe(0);
  });
});
