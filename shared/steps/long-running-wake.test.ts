import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryArtifactStore } from '../adapters/in-memory/in-memory-artifact-store.ts';
import { artifactScopeOfRun } from '../domain/artifacts/run-scope.ts';
import { reportArtifactName } from '../domain/code-execution/code-execution.ts';
import type { CodeJobLauncher, CodeJobState } from '../ports/code-job-launcher.ts';
import { ScriptedModel, modelCalls, modelText } from '../testing/scripted-model.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';

/**
 * Cloud Run's side of code execution, simulated: executions it keeps by name, and a job that,
 * when told to finish, does what the real one does last — saves its report into the run's
 * artifacts, then publishes the step's message with `wake: true` on the tool topic.
 */
class SimulatedCodeJobs implements CodeJobLauncher {
  readonly executions = new Map<string, { key: string; state: CodeJobState }>();
  stateReads = 0;
  /** Runs as the execution starts, before `launch` answers: a job quicker than its launcher. */
  onLaunch: (name: string) => Promise<void> = async () => {};
  readonly #finishJob: (key: string) => Promise<void>;
  constructor(finishJob: (key: string) => Promise<void>) {
    this.#finishJob = finishJob;
  }

  async launch(key: string): Promise<string> {
    const name = `execution-${this.executions.size}`;
    this.executions.set(name, { key, state: { kind: 'running' } });
    await this.onLaunch(name);
    return name;
  }
  async find(key: string): Promise<string | undefined> {
    return [...this.executions].find(([, execution]) => execution.key === key)?.[0];
  }
  async state(name: string): Promise<CodeJobState> {
    this.stateReads += 1;
    return this.executions.get(name)?.state ?? { kind: 'missing' };
  }
  async cancel(name: string): Promise<void> {
    const execution = this.executions.get(name);
    if (execution?.state.kind === 'running') execution.state = { kind: 'failed' };
  }
  async finish(name: string): Promise<void> {
    const execution = this.executions.get(name)!;
    await this.#finishJob(execution.key);
    execution.state = { kind: 'succeeded' };
  }
}

const agent = { configYaml: 'name: coder\nmodel: gemini-2.5-flash\ninstruction: Use code.\ntools: [execute_code]\n', fileName: 'coder.yaml' };
// Without a wake the step would look again only after ten minutes: longer than any test waits.
const recheckMs = 600_000;

let world: ReturnType<typeof createInMemoryWorld> | undefined;
afterEach(() => world?.close());

function setUp() {
  const artifacts = new InMemoryArtifactStore();
  const jobs = new SimulatedCodeJobs(async (key) => {
    const [runId, stepId] = key.split('/') as [string, string];
    const report = { schemaVersion: 1, key, exitCode: 0, stdout: '42\n', stderr: '', stdoutBytes: 3, stderrBytes: 0, durationMs: 20, files: [], filesNotKept: [] };
    await artifacts.save({ ...artifactScopeOfRun({ runId }), runId }, { name: reportArtifactName(key), data: Buffer.from(JSON.stringify(report)), contentType: 'application/json', provenance: {} });
    world!.queue.publishRaw('tool', Buffer.from(JSON.stringify({ schemaVersion: 1, runId, stepId, kind: 'tool', wake: true })));
  });
  const model = new ScriptedModel([modelCalls([{ name: 'execute_code', args: { language: 'python', code: 'print(42)' } }]), modelText('42')]);
  world = createInMemoryWorld({ model, codeExecution: { launcher: jobs, artifacts, wakeTopic: 'agentline-step-tool', recheckMs } });
  return { jobs, model, world };
}

describe("a long-running tool's wake", () => {
  it('makes the waiting step due at once, long before its recheck, while a delivery without one leaves it waiting', async () => {
    const { jobs, model, world } = setUp();
    const runId = world.submit({ agent, input: 'What is 6 * 7?' });
    const waitingStep = async () => (await world.store.listSteps(runId)).find((step) => step.kind === 'tool' && step.state === 'PENDING' && step.remoteTask);
    await expect.poll(waitingStep).toBeDefined();
    const waiting = (await waitingStep())!;
    expect(waiting.retryTime! - Date.now()).toBeGreaterThan(recheckMs / 2);
    // The step's message again, as a duplicate would come: not a wake, so it only waits.
    const reads = jobs.stateReads;
    world.queue.publishRaw('tool', Buffer.from(JSON.stringify({ schemaVersion: 1, runId, stepId: waiting.stepId, kind: 'tool' })));
    await world.queue.idle();
    expect((await waitingStep())?.retryTime).toBe(waiting.retryTime);
    expect(jobs.stateReads).toBe(reads);
    await jobs.finish(waiting.remoteTask!.taskId);
    expect(await world.waitForRun(runId)).toMatchObject({ state: 'SUCCEEDED', output: { text: '42' } });
    expect(model.requests[1]!.contents.at(-1)!.parts[0]!.functionResponse!.response).toMatchObject({ exit_code: 0, stdout: '42\n' });
  });

  it('that arrives while the attempt that launched the job still holds the step makes its hand-back due at once', async () => {
    const { jobs, world } = setUp();
    // The job reports and wakes the step before the launch has even answered, and the wake is
    // delivered (and kept on the step) while the launching attempt still holds it.
    jobs.onLaunch = async (name) => {
      await jobs.finish(name);
      const toolStep = async () => (await world.store.listSteps(runId)).find((step) => step.kind === 'tool');
      await expect.poll(async () => (await toolStep())?.woken).toBe(true);
      expect(await toolStep()).toMatchObject({ state: 'RUNNING', attempt: 1 });
    };
    const runId = world.submit({ agent, input: 'What is 6 * 7?' });
    expect(await world.waitForRun(runId)).toMatchObject({ state: 'SUCCEEDED', output: { text: '42' } });
    const step = (await world.store.listSteps(runId)).find((candidate) => candidate.kind === 'tool')!;
    expect(step).toMatchObject({ state: 'SUCCEEDED', attempt: 2 });
    expect(step).not.toHaveProperty('woken');
  });
});
