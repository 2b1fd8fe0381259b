import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../shared/domain/run.ts';
import type { StepMessage } from '../shared/domain/step.ts';
import type { Submission } from '../shared/domain/submission.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { noFaults, withFaults, type Faults } from '../shared/testing/fault-layer.ts';
import { functionCallReply, textReply, type Reply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { submitToStack } from '../shared/testing/submit-to-stack.ts';
import { startTestStack, wireServerTestEnv } from '../shared/testing/test-stack.ts';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import { describeDivergence, loadGeminiRecording } from '../shared/testing/gemini-replay.ts';
import { waitForTerminalRun } from '../shared/testing/wait-for-terminal-run.ts';

// The code-exec job as the local stack runs it: a detached process per call, the real sandbox,
// the artifact folder, and a wake over the Pub/Sub emulator.
let stack: LocalStack;
let gemini: GeminiWireServer;
let executions: string;
const faults: Faults = noFaults();
const toolDeliveries: StepMessage[] = [];

const agentYaml = `name: analyst
model: gemini-2.5-flash
description: Answers data questions with code.
instruction: Use execute_code for every calculation.
tools: [execute_code]
`;

const chartCode = [
  'import matplotlib.pyplot as plt',
  'sales = [3, 5, 7]',
  'print(sum(sales))',
  'plt.bar(["a", "b", "c"], sales)',
  'plt.savefig("chart.png")',
].join('\n');

beforeAll(async () => {
  executions = await mkdtemp(join(tmpdir(), 'agentline-executions-'));
  gemini = await startGeminiWireServer();
  stack = await startTestStack('code', {
    env: { ...wireServerTestEnv(gemini.url), AGENTLINE_CODE_EXEC_DIR: executions, AGENTLINE_CODE_EXEC_RECHECK_SECONDS: '1' },
    decorate: withFaults(faults),
    wrapHandlers: (handlers) => ({
      ...handlers,
      toolStep: (delivery) => {
        toolDeliveries.push(JSON.parse(delivery.data.toString('utf8')) as StepMessage);
        return handlers.toolStep(delivery);
      },
    }),
  });
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
  await rm(executions, { recursive: true, force: true });
});

afterEach(() => {
  Object.assign(faults, noFaults());
  gemini.requests.length = 0;
});

async function runAgent(input: string, replies: Reply[]): Promise<Run> {
  gemini.script(replies);
  const submission: Submission = { schemaVersion: 1, agent: { configYaml: agentYaml, fileName: 'agent.yaml' }, input, idempotencyKey: `${Date.now()}-${Math.random()}` };
  return waitForTerminalRun(stack.deps.store, await submitToStack(stack, submission), 60_000);
}

/** The executions launched for one call of a run, by their records. */
async function executionsOf(runId: string, stepId: string): Promise<string[]> {
  return readdir(join(executions, 'keys', encodeURIComponent(`${runId}/${stepId}`))).catch(() => []);
}

/** The process of a call's execution, once it has started. */
async function pidOf(runId: string, stepId: string): Promise<number | undefined> {
  const [name] = await executionsOf(runId, stepId);
  if (!name) return undefined;
  const record = await readFile(join(executions, 'executions', `${name}.json`), 'utf8').catch(() => '{}');
  return (JSON.parse(record) as { pid?: number }).pid;
}

const lastContent = (index: number) => gemini.requests[index]!.body.contents.at(-1)!;

describe('execute_code on the local stack', () => {
  it('runs Python in a detached job, answers the model with its output and shows the chart it wrote as an image', async () => {
    const run = await runAgent('Total sales, and a chart?', [functionCallReply([{ name: 'execute_code', args: { language: 'python', code: chartCode } }]), textReply('15, chart attached')]);
    gemini.assertAllRepliesUsed();
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: '15, chart attached' } });
    expect(run.usage.computeSeconds).toBeGreaterThan(0);
    const [response, image] = lastContent(1).parts;
    expect(response!.functionResponse).toMatchObject({
      name: 'execute_code',
      response: { exit_code: 0, stdout: '15\n', files: [{ name: 'chart.png', version: 0, content_type: 'image/png' }], images_shown: ['chart.png'] },
    });
    const inline = (image as { inlineData?: { mimeType: string; data: string } }).inlineData!;
    expect(inline.mimeType).toBe('image/png');
    expect(Buffer.from(inline.data, 'base64').subarray(1, 4).toString()).toBe('PNG');
    const chart = await stack.deps.artifacts!.load({ userId: run.userId ?? '-anonymous', runId: run.runId }, 'chart.png');
    expect(chart?.metadata).toMatchObject({ contentType: 'image/png', provenance: { runId: run.runId, stepId: '0-tool-0', tool: 'execute_code' } });
    expect(await executionsOf(run.runId, '0-tool-0')).toHaveLength(1);
    // The job woke the step once it had reported (possibly after a recheck found the report first).
    await expect.poll(() => toolDeliveries, { timeout: 15_000 }).toContainEqual({ schemaVersion: 1, runId: run.runId, stepId: '0-tool-0', kind: 'tool', wake: true });
  });

  it('follows the execution a crashed attempt launched instead of starting a second, and the run goes on with its result', async () => {
    faults.crashAfterNextToolCall = true;
    const run = await runAgent('Add 2 and 3', [functionCallReply([{ name: 'execute_code', args: { language: 'javascript', code: 'console.log(2 + 3)' } }]), textReply('5')]);
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: '5' } });
    expect(lastContent(1).parts[0]!.functionResponse).toMatchObject({ response: { exit_code: 0, stdout: '5\n' } });
    const step = (await stack.deps.store.listSteps(run.runId)).find((candidate) => candidate.stepId === '0-tool-0');
    expect(step!.attempt).toBeGreaterThanOrEqual(2);
    expect(await executionsOf(run.runId, '0-tool-0')).toHaveLength(1);
  });

  it('fails the call as a tool error when its job dies without reporting, and the model is told', async () => {
    gemini.script([functionCallReply([{ name: 'execute_code', args: { language: 'python', code: 'import time\ntime.sleep(30)' } }]), textReply('it failed')]);
    const runId = await submitToStack(stack, { schemaVersion: 1, agent: { configYaml: agentYaml, fileName: 'agent.yaml' }, input: 'sleep', idempotencyKey: `${Date.now()}-${Math.random()}` });
    // The job's process group (the shell that would record its exit, and the job) killed outright.
    await expect.poll(() => pidOf(runId, '0-tool-0'), { timeout: 20_000 }).toBeTypeOf('number');
    const pid = (await pidOf(runId, '0-tool-0'))!;
    process.kill(-pid, 'SIGKILL');
    const run = await waitForTerminalRun(stack.deps.store, runId, 60_000);
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: 'it failed' } });
    expect(lastContent(1).parts[0]!.functionResponse!.response).toMatchObject({ error: expect.stringMatching(/ended \(failed\) without reporting/) });
  });

  it('stops the execution when its run is cancelled while the code runs, and the run ends cancelled', async () => {
    // One reply: the run is cancelled before the model is asked again.
    gemini.script([functionCallReply([{ name: 'execute_code', args: { language: 'python', code: 'import time\ntime.sleep(60)' } }])]);
    const token = await mintLocalToken(stack.localAuthSecret, { userId: 'ada' });
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${stack.functionsUrl}/v1/${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const created = await call('POST', 'runs', { agent: { configYaml: agentYaml, fileName: 'agent.yaml' }, input: 'sleep a minute' });
    const runId = ((await created.json()) as { name: string }).name.replace('runs/', '');
    await expect.poll(() => pidOf(runId, '0-tool-0'), { timeout: 20_000 }).toBeTypeOf('number');
    const pid = (await pidOf(runId, '0-tool-0'))!;
    expect((await call('POST', `runs/${runId}:cancel`, { reason: 'enough' })).status).toBe(200);
    expect(await waitForTerminalRun(stack.deps.store, runId, 30_000)).toMatchObject({ state: 'CANCELLED' });
    // The execution's process group is gone well before its sleep (or its wall time) would end.
    const alive = () => {
      try {
        process.kill(-pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await expect.poll(alive, { timeout: 15_000 }).toBe(false);
    const step = (await stack.deps.store.listSteps(runId)).find((candidate) => candidate.stepId === '0-tool-0');
    expect(step?.result).toMatchObject({ response: { error: expect.stringMatching(/^The run ended while the code was running \(execution local-[0-9a-f-]+, cancelled\)/) } });
    gemini.assertAllRepliesUsed();
  });
});

describe('the sales-analyst example (npm run demo) on the local stack', () => {
  const example = (path: string) => fileURLToPath(new URL(`../examples/${path}`, import.meta.url));

  it('answers a data question with a file in and a chart out, through the runs API, as its recording says', async () => {
    const recording = await loadGeminiRecording(example('recordings/sales-analyst.json'));
    gemini.script(recording.exchanges.map((exchange) => exchange.reply));
    const token = await mintLocalToken(stack.localAuthSecret, { userId: 'ada' });
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${stack.functionsUrl}/v1/${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const csv = await readFile(example('sales-analyst/sales.csv'));
    const created = await call('POST', 'runs', {
      agent: { configYaml: await readFile(example('sales-analyst/agent.yaml'), 'utf8'), fileName: 'agent.yaml' },
      input: recording.exchanges[0]!.request.lastUserText,
      files: [{ name: 'sales.csv', data: csv.toString('base64') }],
    });
    expect(created.status).toBe(200);
    const name = ((await created.json()) as { name: string }).name;
    const run = await waitForTerminalRun(stack.deps.store, name.replace('runs/', ''), 60_000);
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: expect.stringContaining('North grew the most, up 35.0%') } });
    // Every request was the recorded one; the first carried the CSV, the second the code's output and the chart.
    recording.exchanges.forEach((exchange, index) => expect(describeDivergence(exchange.request, gemini.requests[index]!)).toBeUndefined());
    expect(gemini.requests[0]!.body.contents.at(-1)!.parts[1]).toEqual({ inlineData: { mimeType: 'text/csv', data: csv.toString('base64') } });
    expect(lastContent(1).parts[0]!.functionResponse!.response).toMatchObject({ exit_code: 0, stdout: 'North: +35.0%\nEast: +24.2%\nSouth: +7.9%\nWest: -4.6%\nmost growth: North\n' });
    const listed = (await (await call('GET', `${name}/artifacts`)).json()) as { artifacts: { name: string; contentType: string }[] };
    expect(listed.artifacts.map((artifact) => [artifact.name, artifact.contentType]).sort()).toEqual([['q2_sales.png', 'image/png'], ['sales.csv', 'text/csv']]);
    const chart = await call('GET', `${name}/artifacts/q2_sales.png`);
    expect(chart.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''q2_sales.png");
    const png = Buffer.from(await chart.arrayBuffer());
    // The PNG's header: its signature, then the IHDR chunk's width and height (matplotlib's 6.4 × 4.8 inches at 100 dpi).
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([640, 480]);
    // Another user sees neither the run's files nor whether it has them.
    const bob = await mintLocalToken(stack.localAuthSecret, { userId: 'bob' });
    const refused = await fetch(`${stack.functionsUrl}/v1/${name}/artifacts/q2_sales.png`, { headers: { authorization: `Bearer ${bob}` } });
    expect(refused.status).toBe(403);
  });
});
