import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import { isTerminal, type Run } from '../shared/domain/run.ts';
import { startLocalStack, type LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { afterEachModelAnswer } from '../shared/testing/after-model-answer.ts';
import { createAgentsApiClient, type AgentsApiClient } from '../shared/testing/agents-api-client.ts';
import { functionCallReply, textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { submitToStack } from '../shared/testing/submit-to-stack.ts';

// The registry and the pipeline together: an agent registered and deployed through the HTTP API
// runs; suspending it through the API parks its run, and enableAgent resumes it.
let stack: LocalStack;
let gemini: GeminiWireServer;
let api: AgentsApiClient;
let afterModelAnswer: () => Promise<void> = async () => {};
const parent = 'projects/p/locations/global/collections/default_collection/engines/e';

beforeAll(async () => {
  gemini = await startGeminiWireServer();
  stack = await startLocalStack({
    projectId: `agents-api-runs-${process.pid}`,
    emulators: { pubsubHost: inject('pubsubHost'), firestoreHost: inject('firestoreHost') },
    env: { GEMINI_API_KEY: 'test-key', GOOGLE_GEMINI_BASE_URL: gemini.url, AGENTLINE_LOG_LEVEL: 'silent' },
    decorate: afterEachModelAnswer(() => afterModelAnswer()),
  });
  api = createAgentsApiClient(stack.functionsUrl, { ada: await mintLocalToken(stack.localAuthSecret, { userId: 'ada' }) });
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
});

async function waitFor(runId: string, done: (run: Run) => boolean): Promise<Run> {
  for (;;) {
    const run = await stack.deps.store.getRun(runId);
    if (run && done(run)) return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('an agent managed through the API, run by the pipeline', () => {
  it('parks a run when suspended through the API and resumes it on enableAgent', async () => {
    const agentName = await api.createAgent('ada', parent, 'calc', {
      displayName: 'Calculator',
      description: 'Does arithmetic.',
      adkAgentDefinition: { agentConfig: 'name: calc_agent\ninstruction: Use the calculator.\ntools: [calculator]\n' },
    });
    expect(await api.deploy('ada', agentName)).toMatchObject({ response: { state: 'ENABLED' } });

    gemini.script([functionCallReply([{ name: 'calculator', args: { expression: '2 + 2' } }]), textReply('4')]);
    let suspended = false;
    afterModelAnswer = async () => {
      if (suspended) return;
      suspended = true;
      expect((await api.call('ada', 'POST', `${agentName}:suspendAgent?suspensionReason=Maintenance`, {})).body).toMatchObject({ state: 'SUSPENDED' });
    };
    const runId = await submitToStack(stack, { schemaVersion: 1, agent: { name: agentName }, input: '2+2?', userId: 'ada', idempotencyKey: `${Date.now()}` });
    expect(await waitFor(runId, (run) => run.state === 'WAITING' || isTerminal(run.state))).toMatchObject({ state: 'WAITING', waitingReason: { code: 'AGENT_SUSPENDED' } });

    expect((await api.call('ada', 'POST', `${agentName}:enableAgent`, {})).body).toMatchObject({ state: 'ENABLED' });
    const run = await waitFor(runId, (current) => isTerminal(current.state));
    gemini.assertAllRepliesUsed();
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: '4' } });
  });
});
