import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTerminal, type Run } from '../domain/run.ts';
import type { Submission } from '../domain/submission.ts';
import { functionCallReply, textReply, type RecordedRequest } from '../testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../testing/gemini-wire-server.ts';
import { startStackProcess, type StackProcess } from '../testing/stack-process-client.ts';
import { DataDirInUseError } from './data-dir-lock.ts';
import { isProcessAlive } from './process-group.ts';
import { startLocalStack } from './start-local-stack.ts';

// The local stack as `agentline dev` runs it, in a process of its own that the test kills mid-run
// (SIGKILL, then Ctrl-C), then restarts on the same data folder. The model is a Gemini-wire server
// in this process, which outlives the stacks and counts every request that reaches it.
let gemini: GeminiWireServer;
const folders: string[] = [];
const children: StackProcess[] = [];

beforeAll(async () => {
  gemini = await startGeminiWireServer();
});

afterAll(async () => {
  for (const child of children) child.child.kill('SIGKILL');
  await gemini?.close();
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

async function dataFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'agentline-crash-'));
  folders.push(folder);
  return folder;
}

async function stackOn(dataDir: string): Promise<StackProcess> {
  const child = await startStackProcess({
    projectId: 'crash',
    dataDir,
    // Short leases make no difference here (a restart takes dead leases over at once); the defaults would do.
    env: { GEMINI_API_KEY: 'test-key', GOOGLE_GEMINI_BASE_URL: gemini.url, AGENTLINE_LOG_LEVEL: 'silent', AGENTLINE_CODE_EXEC_RECHECK_SECONDS: '2' },
  });
  children.push(child);
  return child;
}

const agent = { configYaml: 'name: calc_agent\ninstruction: Use the calculator.\ntools: [calculator]\n', fileName: 'calc.yaml' };
const budget = 3;

function submission(input: string): Submission {
  return { schemaVersion: 1, agent, input, runConfig: { max_llm_calls: budget }, idempotencyKey: input };
}

const requestsFor = (input: string) => gemini.requests.filter((request: RecordedRequest) => JSON.stringify(request.body).includes(input)).length;

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not done after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Scripts a run of three model requests — the first held until `release` — and starts it on a
 * stack; resolves once the first request reached the model, so the run is mid-model-call.
 */
async function runHeldAtItsFirstModelCall(stack: StackProcess, input: string) {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  gemini.script([
    { ...functionCallReply([{ name: 'calculator', args: { expression: '6*7' } }]), until: held },
    functionCallReply([{ name: 'calculator', args: { expression: '6*7' } }]),
    textReply('42'),
  ]);
  const runId = await stack.submit(submission(input));
  await until(async () => requestsFor(input), (count) => count === 1);
  return { runId, release };
}

describe('the local stack killed mid-run', () => {
  it('loses nothing committed when its process is SIGKILLed, leaves no emulator behind, and finishes the run after a restart within its budget', async () => {
    const dataDir = await dataFolder();
    const first = await stackOn(dataDir);
    const input = 'six times seven, killed';
    const { runId, release } = await runHeldAtItsFirstModelCall(first, input);

    first.child.kill('SIGKILL');
    await first.exited;
    release();
    // The emulators' guardian saves the data and stops them; nothing outlives it.
    const { pubsub, firestore, guardian } = first.pids;
    await until(async () => [pubsub, firestore, guardian].filter(isProcessAlive), (alive) => alive.length === 0, 20_000);

    const second = await stackOn(dataDir);
    const run = (await until(() => second.getRun(runId), (found) => found !== undefined && isTerminal(found.state))) as Run;
    // The request that died with the first stack was counted (its claim was saved); the restart
    // sent it again, counted it, and the run ended within its budget.
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: '42' }, llmCallCount: budget });
    expect(requestsFor(input)).toBe(run.llmCallCount);

    // The folder is the running stack's: a second stack on it is refused, naming the first.
    const refused = await startLocalStack({ projectId: 'crash', dataDir }).then(
      (stack) => stack.stop().then(() => undefined),
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(DataDirInUseError);
    expect((refused as Error).message).toContain(`pid ${second.child.pid}`);
    expect((refused as Error).message).toContain(second.functionsUrl);

    second.child.kill('SIGINT');
    await second.exited;
    expect([second.pids.pubsub, second.pids.firestore, second.pids.guardian].filter(isProcessAlive)).toEqual([]);
    expect((await readdir(dataDir)).filter((name) => name.startsWith('snapshot-')).length).toBeGreaterThan(0);
  });

  it('stops taking deliveries, then drains and saves, when Ctrl-C stops it mid-run; the run finishes after a restart with every request counted', async () => {
    const dataDir = await dataFolder();
    const first = await stackOn(dataDir);
    const input = 'six times seven, interrupted';
    const { runId, release } = await runHeldAtItsFirstModelCall(first, input);

    first.child.kill('SIGINT');
    // The model answers while the stack drains; what it commits then is saved with the rest.
    setTimeout(release, 500);
    await first.exited;

    const second = await stackOn(dataDir);
    const run = (await until(() => second.getRun(runId), (found) => found !== undefined && isTerminal(found.state))) as Run;
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: '42' } });
    expect(run.llmCallCount).toBeLessThanOrEqual(budget);
    expect(requestsFor(input)).toBe(run.llmCallCount);
    second.child.kill('SIGINT');
    await second.exited;
  });
});

describe('a code execution when its local stack is killed', () => {
  it('outlives the SIGKILL, and after a restart the run finishes with its result; one execution ran, and it exits by itself', async () => {
    const dataDir = await dataFolder();
    const first = await stackOn(dataDir);
    gemini.script([functionCallReply([{ name: 'execute_code', args: { language: 'python', code: 'import time\ntime.sleep(3)\nprint("slept")' } }]), textReply('it slept')]);
    const runId = await first.submit({ schemaVersion: 1, agent: { configYaml: 'name: coder\ninstruction: Run code.\ntools: [execute_code]\n', fileName: 'coder.yaml' }, input: 'sleep, then crash', idempotencyKey: 'code-crash' });
    const keyDir = join(dataDir, 'executions', 'keys', encodeURIComponent(`${runId}/0-tool-0`));
    const [execution] = await until(() => readdir(keyDir).catch(() => []), (names) => names.length === 1);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await stackOn(dataDir);
    const run = (await until(() => second.getRun(runId), (found) => found !== undefined && isTerminal(found.state), 60_000)) as Run;
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: 'it slept' } });
    const answered = gemini.requests.find((request) => JSON.stringify(request.body).includes('"slept\\n"'));
    expect(answered, 'the model saw the execution\'s output').toBeDefined();
    expect(await readdir(keyDir)).toEqual([execution]);
    const record = JSON.parse(await readFile(join(dataDir, 'executions', 'executions', `${execution}.json`), 'utf8')) as { pid: number };
    // Its wake went to the killed stack's Pub/Sub, which it gives up on by itself.
    await until(async () => isProcessAlive(record.pid), (alive) => !alive, 20_000);
    second.child.kill('SIGINT');
    await second.exited;
  });
});
