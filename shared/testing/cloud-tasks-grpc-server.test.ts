import { grpc } from 'google-gax';
import { describe, expect, it } from 'vitest';
import { useLocalCloudTasks } from './local-cloud-tasks.ts';

const parent = 'projects/p/locations/l/queues/q';
const httpRequest = { url: 'https://example.test/hook', httpMethod: 'POST' as const, body: Buffer.from('payload') };

const cloudTasks = useLocalCloudTasks();

describe('the Cloud Tasks gRPC fake, called by the real client', () => {
  it('stores a named task and answers GetTask with it, without the body unless the FULL view is asked for', async () => {
    const name = `${parent}/tasks/t-1`;
    const [created] = await cloudTasks.client.createTask({ parent, task: { name, httpRequest } });
    expect(created).toMatchObject({ name, view: 'BASIC', httpRequest: { url: httpRequest.url } });
    const [basic] = await cloudTasks.client.getTask({ name });
    expect(basic.httpRequest?.body).toHaveLength(0);
    const [full] = await cloudTasks.client.getTask({ name, responseView: 'FULL' });
    expect(Buffer.from(full.httpRequest?.body ?? []).toString()).toBe('payload');
    expect(cloudTasks.server.requests.map((call) => call.method)).toEqual(['CreateTask', 'GetTask', 'GetTask']);
  });

  it('answers ALREADY_EXISTS for a second task with the same name', async () => {
    await cloudTasks.client.createTask({ parent, task: { name: `${parent}/tasks/t-1`, httpRequest } });
    await expect(cloudTasks.client.createTask({ parent, task: { name: `${parent}/tasks/t-1`, httpRequest } })).rejects.toMatchObject({
      code: grpc.status.ALREADY_EXISTS,
    });
    expect(cloudTasks.server.tasks.size).toBe(1);
  });

  it('names an unnamed task itself', async () => {
    const [created] = await cloudTasks.client.createTask({ parent, task: { httpRequest } });
    expect(created.name).toMatch(new RegExp(`^${parent}/tasks/[A-Za-z0-9_-]+$`));
  });

  it.each([
    ['an id with a character task ids do not allow', `${parent}/tasks/run:1`],
    ['an id longer than 500 characters', `${parent}/tasks/${'a'.repeat(501)}`],
    ['a task in another queue', 'projects/p/locations/l/queues/other/tasks/t-1'],
  ])('refuses %s as INVALID_ARGUMENT', async (_case, name) => {
    await expect(cloudTasks.client.createTask({ parent, task: { name, httpRequest } })).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    expect(cloudTasks.server.tasks.size).toBe(0);
  });

  it('answers NOT_FOUND for a task it does not hold', async () => {
    await expect(cloudTasks.client.getTask({ name: `${parent}/tasks/missing` })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });

  it('fails only the next call with an injected status', async () => {
    cloudTasks.server.failNextCall(grpc.status.PERMISSION_DENIED);
    await expect(cloudTasks.client.createTask({ parent, task: { httpRequest } })).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
    await expect(cloudTasks.client.createTask({ parent, task: { httpRequest } })).resolves.toBeDefined();
  });
});
