import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { loadGrpcService } from './load-grpc-service.ts';

/** A task as the fake stores it (proto-loader's decoding: camelCase, enums as names, bytes as Buffer). */
export interface FakeCloudTask {
  name: string;
  scheduleTime?: { seconds: number; nanos: number };
  createTime?: { seconds: number; nanos: number };
  httpRequest?: {
    url: string;
    httpMethod?: string;
    headers?: Record<string, string>;
    body?: Buffer;
    oauthToken?: { serviceAccountEmail?: string; scope?: string };
    oidcToken?: { serviceAccountEmail?: string; audience?: string };
  };
  [field: string]: unknown;
}

/** One call received, in arrival order; failed calls included. */
export interface RecordedCloudTasksCall {
  method: 'CreateTask' | 'GetTask';
  request: Record<string, unknown>;
  /** Request metadata, such as the `x-goog-request-params` routing header. */
  metadata: Record<string, string>;
}

export interface CloudTasksGrpcServer {
  port: number;
  /** Tasks by full name. */
  tasks: Map<string, FakeCloudTask>;
  requests: RecordedCloudTasksCall[];
  /** Makes the next call (whatever its method) fail with this gRPC status; calls queue up. */
  failNextCall(code: grpc.status, details?: string): void;
  close(): Promise<void>;
}

const queuePath = /^projects\/[^/]+\/locations\/[^/]+\/queues\/[^/]+$/;
const taskId = /^[A-Za-z0-9_-]{1,500}$/;

type Handler = grpc.handleUnaryCall<Record<string, unknown>, unknown>;
type Reply = { error: Partial<grpc.StatusObject> } | { value: unknown };

/**
 * An in-process gRPC server for `google.cloud.tasks.v2.CloudTasks` (CreateTask, GetTask), built
 * from the .proto files shipped in @google-cloud/tasks, so the real CloudTasksClient can be
 * pointed at it. It keeps the rules an adapter relies on: a duplicate task name is ALREADY_EXISTS,
 * names and queue paths are validated, the BASIC view omits the body. Other methods answer
 * UNIMPLEMENTED. Queues are not modelled: any well-formed queue path exists.
 */
export async function startCloudTasksGrpcServer(): Promise<CloudTasksGrpcServer> {
  const tasks = new Map<string, FakeCloudTask>();
  const requests: RecordedCloudTasksCall[] = [];
  const failures: Partial<grpc.StatusObject>[] = [];

  const handle = (method: RecordedCloudTasksCall['method'], answer: (request: Record<string, unknown>) => Reply): Handler =>
    (call, callback) => {
      requests.push({ method, request: call.request, metadata: flatten(call.metadata) });
      const failure = failures.shift();
      const reply = failure ? { error: failure } : answer(call.request);
      if ('error' in reply) callback(reply.error);
      else callback(null, reply.value);
    };

  const createTask = (request: Record<string, unknown>): Reply => {
    const parent = String(request['parent'] ?? '');
    if (!queuePath.test(parent)) return invalid(`parent '${parent}' is not a queue path`);
    const task = { ...(request['task'] as Partial<FakeCloudTask> | undefined) };
    if (!task.httpRequest?.url) return invalid('task.http_request.url is required');
    const name = task.name || `${parent}/tasks/${randomUUID().replaceAll('-', '')}`;
    const [prefix, id = ''] = splitTaskName(name);
    if (prefix !== parent || !taskId.test(id)) return invalid(`task name '${name}' is not ${parent}/tasks/<[A-Za-z0-9_-]{1,500}>`);
    if (tasks.has(name)) return { error: { code: grpc.status.ALREADY_EXISTS, details: 'Requested entity already exists' } };
    const now = timestamp(Date.now());
    const stored: FakeCloudTask = { ...task, name, scheduleTime: task.scheduleTime ?? now, createTime: now, dispatchCount: 0, view: 'BASIC' };
    tasks.set(name, stored);
    return { value: inView(stored, request['responseView']) };
  };

  const getTask = (request: Record<string, unknown>): Reply => {
    const task = tasks.get(String(request['name']));
    if (!task) return { error: { code: grpc.status.NOT_FOUND, details: `task ${String(request['name'])} not found` } };
    return { value: inView(task, request['responseView']) };
  };

  const server = new grpc.Server();
  server.addService(loadGrpcService('@google-cloud/tasks', 'google/cloud/tasks/v2/cloudtasks.proto', ['google', 'cloud', 'tasks', 'v2', 'CloudTasks']), { CreateTask: handle('CreateTask', createTask), GetTask: handle('GetTask', getTask) });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    port,
    tasks,
    requests,
    failNextCall: (code, details = `cloud-tasks-grpc-server: injected ${grpc.status[code]}`) => void failures.push({ code, details }),
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

const invalid = (details: string): Reply => ({ error: { code: grpc.status.INVALID_ARGUMENT, details } });

function splitTaskName(name: string): [string, string | undefined] {
  const at = name.lastIndexOf('/tasks/');
  return at < 0 ? [name, undefined] : [name.slice(0, at), name.slice(at + '/tasks/'.length)];
}

// BASIC (the default view) leaves out bodies, which can be large or sensitive; FULL includes them.
function inView(task: FakeCloudTask, view: unknown): FakeCloudTask {
  if (view === 'FULL' || !task.httpRequest) return { ...task, view: 'FULL' };
  const { body: _omitted, ...httpRequest } = task.httpRequest;
  return { ...task, httpRequest };
}

function timestamp(epochMs: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(epochMs / 1000), nanos: (epochMs % 1000) * 1_000_000 };
}

function flatten(metadata: grpc.Metadata): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata.getMap()).map(([key, value]) => [key, String(value)]));
}
