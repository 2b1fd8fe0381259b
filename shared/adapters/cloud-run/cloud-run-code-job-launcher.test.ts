import { ExecutionsClient, JobsClient } from '@google-cloud/run';
import { beforeAll, describe, expect, it } from 'vitest';
import { TransientError } from '../../domain/errors.ts';
import type { CloudRunGrpcServer } from '../../testing/cloud-run-grpc-server.ts';
import { useCloudRunServer } from '../../testing/use-cloud-run-server.ts';
import { CloudRunCodeJobLauncher } from './cloud-run-code-job-launcher.ts';

// The real JobsClient and ExecutionsClient against a gRPC server built from @google-cloud/run's protos.
const job = 'projects/acme/locations/europe-west1/jobs/agentline-code-exec';
const cloudRun = useCloudRunServer([job]);
let server: CloudRunGrpcServer;
let launcher: CloudRunCodeJobLauncher;

beforeAll(() => {
  server = cloudRun.server();
  const options = cloudRun.clientOptions();
  launcher = new CloudRunCodeJobLauncher({ jobs: new JobsClient(options), executions: new ExecutionsClient(options) }, job);
});

describe('the code-exec job on Cloud Run', () => {
  it('starts an execution with the call in its environment and follows it to its end', async () => {
    const execution = await launcher.launch('run-1/tool-2', { AGENTLINE_EXECUTION_REQUEST: 'gs://acme-artifacts/requests/run-1-tool-2.json' });
    expect(execution).toMatch(new RegExp(`^${job}/executions/agentline-code-exec-\\d{5}$`));
    expect(server.executions.get(execution)?.template.containers[0]?.env?.map(({ name, value }) => ({ name, value }))).toEqual([
      { name: 'AGENTLINE_EXECUTION_KEY', value: 'run-1/tool-2' },
      { name: 'AGENTLINE_EXECUTION_REQUEST', value: 'gs://acme-artifacts/requests/run-1-tool-2.json' },
    ]);
    expect(await launcher.state(execution)).toEqual({ kind: 'running' });
    server.finish(execution, 'succeeded');
    expect(await launcher.state(execution)).toEqual({ kind: 'succeeded' });
    const failing = await launcher.launch('run-1/tool-3', {});
    server.finish(failing, 'failed');
    expect(await launcher.state(failing)).toEqual({ kind: 'failed' });
    expect(await launcher.state(`${job}/executions/gone`)).toEqual({ kind: 'missing' });
  });

  it('finds the execution a lost answer started by its key, across pages, and none for a key never started', async () => {
    const since = Date.now();
    const wanted = await launcher.launch('run-7/tool-1', {});
    for (let n = 0; n < 5; n++) await launcher.launch(`run-8/tool-${n}`, {});
    expect(await launcher.find('run-7/tool-1', since)).toBe(wanted);
    expect(await launcher.find('run-9/tool-1', since)).toBeUndefined();
    // Listed newest first, two to a page: the wanted one was on the fourth page.
    expect(server.calls.filter((call) => call.method === 'ListExecutions').length).toBeGreaterThanOrEqual(3);
  });

  it('cancels a running execution, and takes one that has ended or is gone as nothing to do', async () => {
    const running = await launcher.launch('run-5/tool-1', {});
    await launcher.cancel(running);
    expect(server.calls.at(-1)).toEqual({ method: 'CancelExecution', name: running });
    expect(await launcher.state(running)).toEqual({ kind: 'failed' });
    await expect(launcher.cancel(running)).resolves.toBeUndefined();
    await expect(launcher.cancel(`${job}/executions/gone`)).resolves.toBeUndefined();
  });

  it('refuses a job that does not exist, and reports Cloud Run unavailable as transient', async () => {
    const missing = new CloudRunCodeJobLauncher(
      { jobs: new JobsClient(cloudRun.clientOptions()), executions: new ExecutionsClient(cloudRun.clientOptions()) },
      'projects/acme/locations/europe-west1/jobs/nothing-here',
    );
    await expect(missing.launch('k', {})).rejects.toThrow(/Job projects\/acme\/locations\/europe-west1\/jobs\/nothing-here not found/);
    const unreachable = new CloudRunCodeJobLauncher(
      { jobs: new JobsClient({ ...cloudRun.clientOptions(), port: 1 }), executions: new ExecutionsClient({ ...cloudRun.clientOptions(), port: 1 }) },
      job,
    );
    await expect(unreachable.state(`${job}/executions/x`)).rejects.toBeInstanceOf(TransientError);
  }, 30_000);
});
