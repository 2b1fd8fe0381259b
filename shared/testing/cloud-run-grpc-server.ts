import * as grpc from '@grpc/grpc-js';
import { loadGrpcService, serveGrpc } from './load-grpc-service.ts';

/** An execution as the fake keeps it (proto-loader's decoding: camelCase). */
export interface StoredExecution {
  name: string;
  job: string;
  createTime: { seconds: number; nanos: number };
  completionTime?: { seconds: number; nanos: number };
  template: { containers: { env?: { name: string; value?: string }[] }[] };
  runningCount: number;
  succeededCount: number;
  failedCount: number;
  cancelledCount?: number;
}

export interface CloudRunGrpcServer {
  port: number;
  /** Executions by name, in creation order. */
  executions: Map<string, StoredExecution>;
  /** Every call, in order: the method and the job's or execution's name. */
  calls: { method: string; name: string }[];
  /** Ends an execution as its tasks would: succeeded or failed. */
  finish(name: string, outcome: 'succeeded' | 'failed'): void;
  close(): Promise<void>;
}

const jobName = /^projects\/[^/]+\/locations\/[^/]+\/jobs\/[a-z][a-z0-9-]{0,62}$/;
const pageSize = 2;
type Callback = grpc.sendUnaryData<unknown>;

/**
 * An in-process gRPC server for `google.cloud.run.v2.Jobs` (RunJob) and
 * `google.cloud.run.v2.Executions` (GetExecution, ListExecutions, CancelExecution), built from the .proto files
 * shipped in @google-cloud/run, so the real JobsClient and ExecutionsClient can be pointed at it.
 * RunJob creates an execution whose task template carries the request's container overrides (its
 * environment) and answers an unfinished long-running operation, as Cloud Run does; listings are
 * paged (two per page, so paging is exercised), newest first.
 */
export async function startCloudRunGrpcServer(options: { jobs: readonly string[] }): Promise<CloudRunGrpcServer> {
  const executions = new Map<string, StoredExecution>();
  const calls: { method: string; name: string }[] = [];
  let counter = 0;
  const fail = (callback: Callback, code: grpc.status, details: string) => callback({ code, details });
  const now = () => ({ seconds: Math.floor(Date.now() / 1000), nanos: (Date.now() % 1000) * 1e6 });
  const jobs: Record<string, grpc.handleUnaryCall<Record<string, unknown>, unknown>> = {
    RunJob: (call, callback) => {
      const name = String(call.request['name'] ?? '');
      calls.push({ method: 'RunJob', name });
      if (!jobName.test(name)) return fail(callback, grpc.status.INVALID_ARGUMENT, `Job name ${name} is not projects/P/locations/L/jobs/J`);
      if (!options.jobs.includes(name)) return fail(callback, grpc.status.NOT_FOUND, `Job ${name} not found`);
      const overrides = (call.request['overrides'] ?? {}) as { containerOverrides?: { env?: { name: string; value?: string }[] }[] };
      counter += 1;
      const execution: StoredExecution = {
        name: `${name}/executions/${name.split('/').at(-1)}-${String(counter).padStart(5, '0')}`,
        job: name.split('/').at(-1)!,
        createTime: now(),
        template: { containers: [{ env: overrides.containerOverrides?.[0]?.env ?? [] }] },
        runningCount: 1,
        succeededCount: 0,
        failedCount: 0,
      };
      executions.set(execution.name, execution);
      callback(null, { name: `projects/p/locations/l/operations/op-${counter}`, done: false });
    },
  };
  const executionHandlers: Record<string, grpc.handleUnaryCall<Record<string, unknown>, unknown>> = {
    GetExecution: (call, callback) => {
      const name = String(call.request['name'] ?? '');
      calls.push({ method: 'GetExecution', name });
      const execution = executions.get(name);
      if (!execution) return fail(callback, grpc.status.NOT_FOUND, `Execution ${name} not found`);
      callback(null, execution);
    },
    // Cloud Run refuses to cancel an execution that has completed (FAILED_PRECONDITION).
    CancelExecution: (call, callback) => {
      const name = String(call.request['name'] ?? '');
      calls.push({ method: 'CancelExecution', name });
      const execution = executions.get(name);
      if (!execution) return fail(callback, grpc.status.NOT_FOUND, `Execution ${name} not found`);
      if (execution.completionTime) return fail(callback, grpc.status.FAILED_PRECONDITION, `Execution ${name} has already completed`);
      Object.assign(execution, { runningCount: 0, cancelledCount: 1, completionTime: now() });
      callback(null, { name: `projects/p/locations/l/operations/cancel-${name.split('/').at(-1)}`, done: false });
    },
    ListExecutions: (call, callback) => {
      const parent = String(call.request['parent'] ?? '');
      calls.push({ method: 'ListExecutions', name: parent });
      const all = [...executions.values()].filter((execution) => execution.name.startsWith(`${parent}/executions/`)).reverse();
      const from = Number(call.request['pageToken'] || 0);
      const page = all.slice(from, from + pageSize);
      callback(null, { executions: page, nextPageToken: from + pageSize < all.length ? String(from + pageSize) : '' });
    },
  };
  const served = await serveGrpc([
    [loadGrpcService('@google-cloud/run', 'google/cloud/run/v2/job.proto', ['google', 'cloud', 'run', 'v2', 'Jobs']), jobs],
    [loadGrpcService('@google-cloud/run', 'google/cloud/run/v2/execution.proto', ['google', 'cloud', 'run', 'v2', 'Executions']), executionHandlers],
  ]);
  return {
    port: served.port,
    executions,
    calls,
    finish: (name, outcome) => {
      const execution = executions.get(name);
      if (!execution) throw new Error(`no execution ${name}`);
      Object.assign(execution, { runningCount: 0, completionTime: now(), ...(outcome === 'succeeded' ? { succeededCount: 1 } : { failedCount: 1 }) });
    },
    close: served.close,
  };
}
