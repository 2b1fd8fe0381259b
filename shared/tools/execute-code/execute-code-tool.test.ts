import { ExecutionsClient, JobsClient } from '@google-cloud/run';
import { beforeAll, describe, expect, it } from 'vitest';
import { InMemoryArtifactStore } from '../../adapters/in-memory/in-memory-artifact-store.ts';
import { CloudRunCodeJobLauncher } from '../../adapters/cloud-run/cloud-run-code-job-launcher.ts';
import { reportArtifactName, requestArtifactName, type CodeExecutionReport } from '../../domain/code-execution/code-execution.ts';
import type { CloudRunGrpcServer } from '../../testing/cloud-run-grpc-server.ts';
import { useCloudRunServer } from '../../testing/use-cloud-run-server.ts';
import { ToolFailure, type ToolContext } from '../tool.ts';
import { createExecuteCodeTool } from './execute-code-tool.ts';

// The tool as the tool step drives it, launching through the real @google-cloud/run clients
// against a gRPC server built from the package's protos; the job's part (the report) is saved
// into the artifact store as the job saves it.
const job = 'projects/acme/locations/europe-west1/jobs/agentline-code-exec';
const cloudRun = useCloudRunServer([job]);
let server: CloudRunGrpcServer;
let launcher: CloudRunCodeJobLauncher;

beforeAll(() => {
  server = cloudRun.server();
  const options = cloudRun.clientOptions();
  launcher = new CloudRunCodeJobLauncher({ jobs: new JobsClient(options), executions: new ExecutionsClient(options) }, job);
});

let calls = 0;
function setUp() {
  const artifacts = new InMemoryArtifactStore();
  const tool = createExecuteCodeTool({ launcher, artifacts, wakeTopic: 'agentline-step-tool', recheckMs: 1_000, graceMs: 5_000 });
  const stepId = `${calls++}-tool-0`;
  let now = Date.now();
  const context: ToolContext = { runId: 'r1', stepId, attempt: 1, idempotencyKey: `r1/${stepId}`, deadline: now + 60_000, now: () => now, userId: 'ada' };
  const scope = { userId: 'ada', runId: 'r1' };
  const report = (fields: Partial<CodeExecutionReport> = {}) =>
    artifacts.save(scope, {
      name: reportArtifactName(context.idempotencyKey),
      data: Buffer.from(JSON.stringify({ schemaVersion: 1, key: context.idempotencyKey, exitCode: 0, stdout: '15\n', stderr: '', stdoutBytes: 3, stderrBytes: 0, durationMs: 1_500, files: [], filesNotKept: [], ...fields })),
      contentType: 'application/json',
      provenance: {},
    });
  return { tool, artifacts, context, scope, report, advance: (ms: number) => (now += ms) };
}

const input = { language: 'python' as const, code: 'print(15)', input_files: [] };
const executionsOf = (key: string) => [...server.executions.values()].filter((execution) => execution.template.containers[0]?.env?.some((variable) => variable.value === key));

describe('execute_code', () => {
  it('saves the request, launches one execution with it, and after a crash follows the execution it finds by the call\'s key', async () => {
    const { tool, artifacts, context, scope } = setUp();
    const started = await tool.start(input, context, false);
    expect(started).toMatchObject({ kind: 'running', taskId: expect.stringContaining(`${job}/executions/`) });
    const request = await artifacts.load(scope, requestArtifactName(context.idempotencyKey));
    expect(JSON.parse(request!.data.toString('utf8'))).toMatchObject({ key: context.idempotencyKey, language: 'python', code: 'print(15)', scope: { userId: 'ada', runId: 'r1' } });
    // A retry whose attempt may have launched (the intent was committed, no task recorded).
    const again = await tool.start(input, context, true);
    expect(again).toMatchObject({ kind: 'running', taskId: (started as { taskId: string }).taskId });
    expect(executionsOf(context.idempotencyKey)).toHaveLength(1);
  });

  it('answers a retry with the report an earlier attempt\'s execution saved, without looking for or starting an execution', async () => {
    const { tool, context, report } = setUp();
    await tool.start(input, context, false);
    await report();
    const listed = server.calls.filter((call) => call.method === 'ListExecutions').length;
    expect(await tool.start(input, context, true)).toMatchObject({ kind: 'done', result: { response: { exit_code: 0, stdout: '15\n' } } });
    expect(server.calls.filter((call) => call.method === 'ListExecutions')).toHaveLength(listed);
    expect(executionsOf(context.idempotencyKey)).toHaveLength(1);
  });

  it('answers with the job\'s report, its duration counted as compute', async () => {
    const { tool, context, report } = setUp();
    const started = (await tool.start(input, context, false)) as { taskId: string; startTime: number };
    await report();
    expect(await tool.follow(input, started, context)).toEqual({
      kind: 'done',
      result: { response: { exit_code: 0, stdout: '15\n', stderr: '', duration_ms: 1_500, files: [] }, computeSeconds: 1.5 },
    });
  });

  it('treats a report that is not this call\'s, or names a file the store does not have, as input to check', async () => {
    const forged = setUp();
    const started = (await forged.tool.start(input, forged.context, false)) as { taskId: string; startTime: number };
    await forged.report({ key: 'r1/other-tool-0' });
    expect(await forged.tool.follow(input, started, forged.context)).toMatchObject({ kind: 'done', result: { response: { error: expect.stringMatching(/report is not valid \(it is for r1\/other-tool-0\)/) } } });
    const missing = setUp();
    const running = (await missing.tool.start(input, missing.context, false)) as { taskId: string; startTime: number };
    await missing.report({ files: [{ name: 'chart.png', version: 0, contentType: 'image/png', bytes: 10, sha256: 'a'.repeat(64) }] });
    const result = await missing.tool.follow(input, running, missing.context);
    expect(result).toMatchObject({ kind: 'done', result: { response: { files: [], files_missing: ['chart.png'] } } });
    expect(result).not.toHaveProperty('result.parts');
  });

  it("describes the files by what the store holds, not by the report, and shows only those this call wrote", async () => {
    const { tool, artifacts, context, scope, report } = setUp();
    const started = (await tool.start(input, context, false)) as { taskId: string; startTime: number };
    const mine = { runId: 'r1', stepId: context.stepId, tool: 'execute_code' };
    const chart = await artifacts.save(scope, { name: 'chart.png', data: Buffer.from('not really a png'), contentType: 'text/plain', provenance: mine });
    const uploaded = await artifacts.save(scope, { name: 'sales.csv', data: Buffer.from('a,b\n'), contentType: 'text/csv', provenance: { runId: 'r1' } });
    // The report claims the chart is a PNG of another size, and passes off the user's upload (and a name no file can have) as its own.
    await report({
      files: [
        { name: 'chart.png', version: chart.version, contentType: 'image/png', bytes: 99, sha256: 'b'.repeat(64) },
        { name: 'sales.csv', version: uploaded.version, contentType: 'text/csv', bytes: 4, sha256: uploaded.sha256 },
        { name: '../escape', version: 0, contentType: 'text/plain', bytes: 1, sha256: 'c'.repeat(64) },
      ],
    });
    const result = await tool.follow(input, started, context);
    expect(result).toMatchObject({
      kind: 'done',
      result: { response: { files: [{ name: 'chart.png', version: chart.version, content_type: 'text/plain', bytes: chart.bytes }], files_missing: ['sales.csv', '../escape'] } },
    });
    expect(result).not.toHaveProperty('result.parts');
  });

  it('waits for a running execution until its wall time and grace have passed, then cancels it and fails the call naming it', async () => {
    const { tool, context, advance } = setUp();
    const started = (await tool.start(input, context, false)) as { taskId: string; startTime: number };
    expect(await tool.follow(input, started, context)).toMatchObject({ kind: 'running', taskId: started.taskId });
    expect(server.executions.get(started.taskId)?.cancelledCount).toBeUndefined();
    advance(60_000 + 5_000);
    expect(await tool.follow(input, started, context)).toEqual({
      kind: 'done',
      result: { response: { error: `The code execution did not report within 65 s of its start and was cancelled (execution ${started.taskId}); run it again if it still matters` } },
    });
    expect(server.executions.get(started.taskId)?.cancelledCount).toBe(1);
  });

  it('after a crash finds the execution launched since the call\'s intent however long ago that was, and launches no second', async () => {
    const { tool, context, advance } = setUp();
    const intentTime = context.now();
    const started = (await tool.start(input, { ...context, intentTime }, false)) as { taskId: string };
    // The retry comes three hours later (the step's messages were held up), long past any wall time.
    advance(3 * 3_600_000);
    const retried = await tool.start(input, { ...context, intentTime, deadline: context.now() + 60_000 }, true);
    expect(retried).toMatchObject({ kind: 'done', result: { response: { error: expect.stringContaining(`(execution ${started.taskId})`) } } });
    expect(executionsOf(context.idempotencyKey)).toHaveLength(1);
  });

  it('fails the call when its execution ended without a report', async () => {
    const { tool, context } = setUp();
    const started = (await tool.start(input, context, false)) as { taskId: string; startTime: number };
    server.finish(started.taskId, 'failed');
    expect(await tool.follow(input, started, context)).toMatchObject({ kind: 'done', result: { response: { error: expect.stringMatching(/ended \(failed\) without reporting/) } } });
  });

  it('settles a call whose run ended: the report when there is one, else cancels the execution and says so, never starting one', async () => {
    const { tool, context, report } = setUp();
    const started = (await tool.start(input, context, false)) as { taskId: string; startTime: number };
    expect(await tool.settle(started, context)).toEqual({ error: `The run ended while the code was running (execution ${started.taskId}, cancelled); its result was not waited for` });
    expect(server.executions.get(started.taskId)?.cancelledCount).toBe(1);
    await report();
    expect(await tool.settle(started, context)).toMatchObject({ exit_code: 0, stdout: '15\n' });
    expect(executionsOf(context.idempotencyKey)).toHaveLength(1);
  });

  it('refuses input files the run does not have, naming the files it has, and launches nothing', async () => {
    const { tool, artifacts, context, scope } = setUp();
    await artifacts.save(scope, { name: 'sales.csv', data: Buffer.from('a,b\n'), contentType: 'text/csv', provenance: {} });
    await expect(tool.start({ ...input, input_files: ['sale.csv'] }, context, false)).rejects.toThrow(new ToolFailure('No file named sale.csv in this run. Its files: sales.csv'));
    expect(executionsOf(context.idempotencyKey)).toHaveLength(0);
  });

  it("never gives code the browser's kept cookies, nor names them among the run's files", async () => {
    const { tool, artifacts, context, scope } = setUp();
    const cookies = `browser-sessions/${context.runId}.json`;
    await artifacts.save(scope, { name: cookies, data: Buffer.from('{"cookies":[]}'), contentType: 'application/json', provenance: {} });
    await expect(tool.start({ ...input, input_files: [cookies] }, context, false)).rejects.toThrow(new ToolFailure(`${cookies}: records the pipeline keeps for itself, not files code can read`));
    await expect(tool.start({ ...input, input_files: ['sale.csv'] }, context, false)).rejects.toThrow(new ToolFailure('No file named sale.csv in this run. Its files: (none)'));
    expect(executionsOf(context.idempotencyKey)).toHaveLength(0);
  });

  it('never launches once its lease has ended, when another attempt may have taken the call over', async () => {
    const { tool, context } = setUp();
    await expect(tool.start(input, { ...context, deadline: context.now() - 1 }, false)).rejects.toMatchObject({ code: 'LEASE_ENDING' });
    expect(executionsOf(context.idempotencyKey)).toHaveLength(0);
  });

  it('answers that code execution is not set up where it is not', async () => {
    const { context } = setUp();
    await expect(createExecuteCodeTool(undefined).start(input, context, false)).rejects.toThrow(/not set up on this deployment/);
  });
});
