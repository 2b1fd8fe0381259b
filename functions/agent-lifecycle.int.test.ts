import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentPaths, encodeAgentName } from '../shared/adapters/document-paths.ts';
import type { AgentState } from '../shared/domain/agent-state.ts';
import { isTerminal, type Run } from '../shared/domain/run.ts';
import type { Submission } from '../shared/domain/submission.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import type { CatalogAgent } from '../shared/ports/agent-catalog.ts';
import { publishAgentLifecycleChange } from '../shared/steps/handle-agent-lifecycle.ts';
import { afterEachModelAnswer } from '../shared/testing/after-model-answer.ts';
import { functionCallReply, textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { submitToStack } from '../shared/testing/submit-to-stack.ts';
import { geminiWireTestEnv, startTestStack } from '../shared/testing/test-stack.ts';
import { waitForRun } from '../shared/testing/wait-for-terminal-run.ts';

// The lifecycle gates of issue 3 through Pub/Sub push, the functions and the Firestore emulator.
// Agent documents are written in the registry's layout (agents/{encoded name}) directly.
let stack: LocalStack;
let gemini: GeminiWireServer;
/** Runs after each model answer, before its commit: a test changes the agent's state here. */
let afterModelAnswer: () => Promise<void> = async () => {};

const configYaml = `name: calc_agent
description: Arithmetic.
instruction: Use the calculator.
tools: [calculator]
`;

beforeAll(async () => {
  gemini = await startGeminiWireServer();
  stack = await startTestStack('lifecycle', {
    env: geminiWireTestEnv(gemini.url),
    decorate: afterEachModelAnswer(() => afterModelAnswer()),
  });
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
});

let agentCounter = 0;
async function registerAgent(state: AgentState, extra: Partial<CatalogAgent> = {}): Promise<string> {
  const name = `projects/p/locations/global/collections/default_collection/engines/e/agents/calc${process.pid}x${agentCounter++}`;
  await putAgent({ name, state, creator: 'ada', definition: { kind: 'adk', configYaml }, ...extra });
  return name;
}

async function putAgent(agent: CatalogAgent): Promise<void> {
  await stack.deps.firestore.doc(documentPaths.agent(encodeAgentName(agent.name))).set(agent);
}

async function setState(name: string, state: AgentState): Promise<void> {
  await stack.deps.firestore.doc(documentPaths.agent(encodeAgentName(name))).update({ state });
}

async function submit(agentName: string, userId = 'ada'): Promise<string> {
  const submission: Submission = { schemaVersion: 1, agent: { name: agentName }, input: '2+2?', userId, idempotencyKey: `${Date.now()}-${Math.random()}` };
  return submitToStack(stack, submission);
}

function waitFor(runId: string, done: (run: Run) => boolean): Promise<Run> {
  return waitForRun(stack.deps.store, runId, done);
}

describe('the agent lifecycle on the emulators', () => {
  it.each(['CONFIGURED', 'DISABLED', 'SUSPENDED'] as const)('refuses a run of an agent that is %s, naming the state', async (state) => {
    const agentName = await registerAgent(state);
    const run = await waitFor(await submit(agentName), (current) => isTerminal(current.state));
    expect(run).toMatchObject({
      state: 'FAILED',
      error: { code: 'AGENT_NOT_RUNNABLE', message: `Agent ${agentName} is ${state}; only ENABLED agents (or PRIVATE ones, by their creator) can run` },
    });
    expect(gemini.requests).toHaveLength(0);
  });

  it('refuses someone else\'s PRIVATE agent as if it did not exist', async () => {
    const agentName = await registerAgent('PRIVATE');
    const run = await waitFor(await submit(agentName, 'grace'), (current) => isTerminal(current.state));
    expect(run).toMatchObject({ state: 'FAILED', error: { code: 'PERMISSION_DENIED', message: expect.stringContaining('or it may not exist') } });
  });

  it('parks a run when its agent is suspended and resumes it from its cursor when the agent is enabled', async () => {
    const agentName = await registerAgent('ENABLED');
    gemini.script([functionCallReply([{ name: 'calculator', args: { expression: '2 + 2' } }]), textReply('4')]);
    let suspended = false;
    afterModelAnswer = async () => {
      if (suspended) return;
      suspended = true;
      await setState(agentName, 'SUSPENDED');
    };
    try {
      const runId = await submit(agentName);
      const parked = await waitFor(runId, (run) => run.state === 'WAITING' || isTerminal(run.state));
      expect(parked).toMatchObject({ state: 'WAITING', next: { kind: 'tools' }, waitingReason: { code: 'AGENT_SUSPENDED' } });
      expect(gemini.requests).toHaveLength(1);
      expect((await stack.deps.store.listSteps(runId)).map((step) => step.stepId)).toEqual(['0-plan-0', '0-model-0']);

      await setState(agentName, 'ENABLED');
      await publishAgentLifecycleChange(stack.deps.queue, agentName);
      const run = await waitFor(runId, (current) => isTerminal(current.state));
      gemini.assertAllRepliesUsed();
      expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: '4' }, llmCallCount: 2 });
      expect(gemini.requests.at(-1)!.body.contents.at(-1)!.parts[0]!.functionResponse).toMatchObject({ name: 'calculator', response: { output: { result: '4' } } });
    } finally {
      afterModelAnswer = async () => {};
    }
  });
});
