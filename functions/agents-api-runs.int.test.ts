import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import { isTerminal } from '../shared/domain/run.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { afterEachModelAnswer } from '../shared/testing/after-model-answer.ts';
import { createAgentsApiClient, type AgentsApiClient, type ApiAnswer } from '../shared/testing/agents-api-client.ts';
import { functionCallReply, textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { submitToStack } from '../shared/testing/submit-to-stack.ts';
import { waitForRun, waitForTerminalRun } from '../shared/testing/wait-for-terminal-run.ts';
import { geminiWireTestEnv, startTestStack } from '../shared/testing/test-stack.ts';

// The registry and the pipeline together: an agent registered and deployed through the HTTP API
// runs; suspending it through the API parks its run, and enableAgent resumes it.
let stack: LocalStack;
let gemini: GeminiWireServer;
let api: AgentsApiClient;
let afterModelAnswer: () => Promise<void> = async () => {};
const parent = 'projects/p/locations/global/collections/default_collection/engines/e';

beforeAll(async () => {
  gemini = await startGeminiWireServer();
  stack = await startTestStack('agents-api-runs', {
    env: geminiWireTestEnv(gemini.url),
    decorate: afterEachModelAnswer(() => afterModelAnswer()),
  });
  api = createAgentsApiClient(stack.functionsUrl, { ada: await mintLocalToken(stack.localAuthSecret, { userId: 'ada' }) });
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
});

describe('an agent managed through the API, run by the pipeline', () => {
  it('parks a run when suspended through the API and resumes it on enableAgent', async () => {
    const agentName = await api.createAgent('ada', parent, 'calc', {
      displayName: 'Calculator',
      description: 'Does arithmetic.',
      adkAgentDefinition: { agentConfig: 'name: calc_agent\ninstruction: Use the calculator.\ntools: [calculator]\n' },
    });
    expect(await api.deploy('ada', agentName)).toMatchObject({ response: { state: 'ENABLED' } });

    gemini.script([functionCallReply([{ name: 'calculator', args: { expression: '2 + 2' } }]), textReply('4')]);
    // Asserted below, in the test: an expect failing in here would only fail the model step.
    let suspending: Promise<ApiAnswer> | undefined;
    afterModelAnswer = async () => {
      suspending ??= api.call('ada', 'POST', `${agentName}:suspendAgent?suspensionReason=Maintenance`, {});
      await suspending;
    };
    const runId = await submitToStack(stack, { schemaVersion: 1, agent: { name: agentName }, input: '2+2?', userId: 'ada', idempotencyKey: `${Date.now()}` });
    const parked = await waitForRun(stack.deps.store, runId, (run) => run.state === 'WAITING' || isTerminal(run.state));
    expect((await suspending)?.body).toMatchObject({ state: 'SUSPENDED' });
    expect(parked).toMatchObject({ state: 'WAITING', waitingReason: { code: 'AGENT_SUSPENDED' } });

    expect((await api.call('ada', 'POST', `${agentName}:enableAgent`, {})).body).toMatchObject({ state: 'ENABLED' });
    const run = await waitForTerminalRun(stack.deps.store, runId);
    gemini.assertAllRepliesUsed();
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: '4' } });
  });
});
