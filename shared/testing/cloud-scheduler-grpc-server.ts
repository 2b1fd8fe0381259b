import * as grpc from '@grpc/grpc-js';
import { loadGrpcService } from './load-grpc-service.ts';

/** A job as the fake keeps it (proto-loader's decoding: camelCase, enums as names). */
export interface StoredSchedulerJob {
  name: string;
  description?: string;
  schedule?: string;
  timeZone?: string;
  pubsubTarget?: { topicName?: string; data?: Buffer };
  state: 'ENABLED' | 'PAUSED';
}

export interface CloudSchedulerGrpcServer {
  port: number;
  jobs: Map<string, StoredSchedulerJob>;
  /** Every call, in order: the method and the job's name. */
  calls: { method: string; name: string }[];
  failNextCall(code: grpc.status): void;
  close(): Promise<void>;
}

const jobName = /^projects\/[^/]+\/locations\/[^/]+\/jobs\/[A-Za-z0-9_-]{1,500}$/;
type Callback = grpc.sendUnaryData<unknown>;

/**
 * An in-process gRPC server for `google.cloud.scheduler.v1.CloudScheduler` built from the .proto
 * files shipped in @google-cloud/scheduler, so the real CloudSchedulerClient can be pointed at it.
 * Create, update, get, delete, pause and resume keep jobs as the service does: ALREADY_EXISTS for
 * a second create, NOT_FOUND for a missing job, INVALID_ARGUMENT for a malformed name or a job
 * without a schedule or target; pausing a paused job or resuming an enabled one is accepted.
 */
export async function startCloudSchedulerGrpcServer(): Promise<CloudSchedulerGrpcServer> {
  const jobs = new Map<string, StoredSchedulerJob>();
  const calls: { method: string; name: string }[] = [];
  const failures: grpc.status[] = [];
  const fail = (callback: Callback, code: grpc.status, details: string) => callback({ code, details });
  const injected = (callback: Callback): boolean => {
    const failure = failures.shift();
    if (failure === undefined) return false;
    fail(callback, failure, `cloud-scheduler-grpc-server: injected ${grpc.status[failure]}`);
    return true;
  };
  const invalidJob = (job: Partial<StoredSchedulerJob> | undefined): string | undefined => {
    if (!job?.name || !jobName.test(job.name)) return `Job name ${job?.name} is not projects/P/locations/L/jobs/J`;
    if (!job.schedule) return 'Job.schedule is required';
    if (!job.pubsubTarget?.topicName) return 'Job target is required';
    return undefined;
  };
  const handlers: Record<string, grpc.handleUnaryCall<Record<string, unknown>, unknown>> = {
    CreateJob: (call, callback) => {
      const job = call.request['job'] as Partial<StoredSchedulerJob> | undefined;
      calls.push({ method: 'CreateJob', name: job?.name ?? '' });
      if (injected(callback)) return;
      const invalid = invalidJob(job);
      if (invalid) return fail(callback, grpc.status.INVALID_ARGUMENT, invalid);
      if (jobs.has(job!.name!)) return fail(callback, grpc.status.ALREADY_EXISTS, `Job ${job!.name} already exists`);
      const stored: StoredSchedulerJob = { ...(job as StoredSchedulerJob), state: 'ENABLED' };
      jobs.set(stored.name, stored);
      callback(null, stored);
    },
    UpdateJob: (call, callback) => {
      const job = call.request['job'] as Partial<StoredSchedulerJob> | undefined;
      calls.push({ method: 'UpdateJob', name: job?.name ?? '' });
      if (injected(callback)) return;
      const existing = job?.name ? jobs.get(job.name) : undefined;
      if (!existing) return fail(callback, grpc.status.NOT_FOUND, `Job ${job?.name} not found`);
      const invalid = invalidJob(job);
      if (invalid) return fail(callback, grpc.status.INVALID_ARGUMENT, invalid);
      const stored: StoredSchedulerJob = { ...(job as StoredSchedulerJob), state: existing.state };
      jobs.set(stored.name, stored);
      callback(null, stored);
    },
    ...Object.fromEntries(
      (['GetJob', 'DeleteJob', 'PauseJob', 'ResumeJob'] as const).map((method) => [
        method,
        (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, callback: Callback) => {
          const name = String(call.request['name'] ?? '');
          calls.push({ method, name });
          if (injected(callback)) return;
          const job = jobs.get(name);
          if (!job) return fail(callback, grpc.status.NOT_FOUND, `Job ${name} not found`);
          if (method === 'DeleteJob') {
            jobs.delete(name);
            return callback(null, {});
          }
          if (method === 'PauseJob') job.state = 'PAUSED';
          if (method === 'ResumeJob') job.state = 'ENABLED';
          callback(null, job);
        },
      ]),
    ),
  };
  const server = new grpc.Server();
  server.addService(loadGrpcService('@google-cloud/scheduler', 'google/cloud/scheduler/v1/cloudscheduler.proto', ['google', 'cloud', 'scheduler', 'v1', 'CloudScheduler']), handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    port,
    jobs,
    calls,
    failNextCall: (code) => void failures.push(code),
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
