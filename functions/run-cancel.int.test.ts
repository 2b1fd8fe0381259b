import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../cli/api-client.ts';
import { cancelRun } from '../cli/runs-command.ts';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { functionCallReply, textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { submitToStack } from '../shared/testing/submit-to-stack.ts';
import { geminiWireTestEnv, startTestStack } from '../shared/testing/test-stack.ts';

let stack: LocalStack;
let gemini: GeminiWireServer;
let api: ApiClient;

beforeAll(async () => {
  gemini = await startGeminiWireServer();
  stack = await startTestStack('cancel', { env: geminiWireTestEnv(gemini.url) });
  api = createApiClient(stack.functionsUrl, await mintLocalToken(stack.localAuthSecret, { userId: 'ada' }));
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
});

const agent = { configYaml: 'name: calc_agent\ninstruction: Use the calculator.\ntools: [calculator]\n', fileName: 'calc.yaml' };

describe('agentline runs cancel through the runs API on the emulators', () => {
  it('ends a run CANCELLED while its model request is in flight; the late answer changes nothing and the request stays counted', async () => {
    let answer = () => {};
    const answered = new Promise<void>((resolve) => (answer = resolve));
    // The model answers only once the run has been cancelled.
    gemini.script([{ ...functionCallReply([{ name: 'calculator', args: { expression: '1+1' } }]), until: answered }]);
    const runId = await submitToStack(stack, { schemaVersion: 1, agent, input: 'one plus one, slowly', userId: 'ada', idempotencyKey: `cancel-${Date.now()}` });
    await expect.poll(async () => (await stack.deps.store.getRun(runId))?.llmCallCount, { timeout: 10_000 }).toBe(1);

    const lines: string[] = [];
    const ended = await cancelRun(api, `runs/${runId}`, { reason: 'no longer needed', timeoutMs: 10_000, write: (line) => lines.push(line) });
    expect(ended).toMatchObject({ state: 'CANCELLED', error: { code: 'CANCELLED', message: 'The run was cancelled by ada: no longer needed' } });
    expect(lines.at(-1)).toMatch(/CANCELLED/);
    answer();

    // The model answers after the cancel: its step is closed with the answer's record, the run unchanged.
    await expect.poll(async () => (await stack.deps.store.getSteps(runId, ['0-model-0']))[0]?.state, { timeout: 10_000 }).toBe('CANCELLED');
    expect(await stack.deps.store.getRun(runId)).toMatchObject({ state: 'CANCELLED', llmCallCount: 1, llmCallsSucceeded: 0, turn: 0 });
    expect((await stack.deps.store.listSteps(runId)).map((step) => step.stepId)).toEqual(['0-plan-0', '0-model-0']);
    expect(gemini.requests).toHaveLength(1);
  });

  it('refuses a run that does not exist and leaves an ended run as it was', async () => {
    await expect(cancelRun(api, 'runs/r-none', { timeoutMs: 1_000, write: () => {} })).rejects.toThrow('Permission denied on run runs/r-none (or it may not exist)');
    gemini.script([textReply('done')]);
    const runId = await submitToStack(stack, { schemaVersion: 1, agent, input: 'hello', userId: 'ada', idempotencyKey: `cancel-ended-${Date.now()}` });
    await expect.poll(async () => (await stack.deps.store.getRun(runId))?.state, { timeout: 10_000 }).toBe('SUCCEEDED');
    expect(await cancelRun(api, `runs/${runId}`, { timeoutMs: 1_000, write: () => {} })).toMatchObject({ state: 'SUCCEEDED', output: { text: 'done' } });
  });
});
