import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSubmission } from '../cli/run-command.ts';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import type { Run } from '../shared/domain/run.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { remoteMessageId } from '../shared/steps/remote-agent-turn.ts';
import { startA2aTestServer, type A2aTestServer } from '../shared/testing/a2a-test-server.ts';
import { createAgentsApiClient, type AgentsApiClient } from '../shared/testing/agents-api-client.ts';
import { functionCallReply, textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { submitToStack } from '../shared/testing/submit-to-stack.ts';
import { waitForTerminalRun } from '../shared/testing/wait-for-terminal-run.ts';
import { geminiWireTestEnv, startTestStack } from '../shared/testing/test-stack.ts';

// Issue 3 item 6 end to end: agents registered and deployed through the agents API (the real HTTP
// function on the local stack's function server, its deploy worker behind a Pub/Sub push, the
// Firestore emulator), then run by name, submitted as `agentline run <name>` submits. The A2A
// agent is a real @a2a-js/sdk server on this machine; the ADK agent that calls it as a sub-agent
// talks to Gemini through the real @google/genai client and a local Gemini-wire server.
const parent = 'projects/p/locations/global/collections/default_collection/engines/e';
let stack: LocalStack;
let remote: A2aTestServer;
let gemini: GeminiWireServer;
let api: AgentsApiClient;

beforeAll(async () => {
  remote = await startA2aTestServer({ answer: (text) => `The remote agent read: ${text}` });
  gemini = await startGeminiWireServer();
  stack = await startTestStack('a2a', {
    env: geminiWireTestEnv(gemini.url),
  });
  api = createAgentsApiClient(stack.functionsUrl, { ada: await mintLocalToken(stack.localAuthSecret, { userId: 'ada' }) });
});

afterAll(async () => {
  await stack?.stop();
  await remote?.close();
  await gemini?.close();
});

/** Creates the agent through the API and deploys it, expecting ENABLED; returns its name. */
async function registerAndDeploy(agentId: string, definition: Record<string, unknown>): Promise<string> {
  const name = await api.createAgent('ada', parent, agentId, { displayName: agentId, description: `The ${agentId} agent.`, ...definition });
  expect(await api.deploy('ada', name)).toMatchObject({ done: true, response: { name, state: 'ENABLED' } });
  return name;
}

const withJsonCard = () => ({ a2aAgentDefinition: { jsonAgentCard: JSON.stringify(remote.cardJson()) } });
const withRemoteCard = () => ({ a2aAgentDefinition: { remoteAgentCard: { uri: remote.cardUrl } } });

async function runByName(name: string, input: string, session?: string): Promise<Run> {
  const submission = await buildSubmission([name], { input, user: 'ada', timeout: '60', session });
  return waitForTerminalRun(stack.deps.store, await submitToStack(stack, submission));
}

describe('A2A agents registered through the agents API', () => {
  it.each([
    ['a JSON agent card', 'echo-json', withJsonCard],
    ['a remote agent card URI fetched at deploy', 'echo-remote', withRemoteCard],
  ])('an A2A agent registered with %s answers a run submitted by its name', async (_case, agentId, definition) => {
    const agentName = await registerAndDeploy(agentId, definition());
    const input = `What is the capital of France? (${agentId})`;
    const run = await runByName(agentName, input);
    expect(run).toMatchObject({
      state: 'SUCCEEDED',
      llmCallCount: 1,
      output: { text: `The remote agent read: ${input}` },
      agent: { name: agentName, remoteAgent: { name: 'Echo Agent', endpoint: { transport: 'JSONRPC' } } },
    });
    const events = await stack.deps.store.listEvents(run.runId);
    expect(events.at(-1)?.content).toEqual({ role: 'model', parts: [{ text: `The remote agent read: ${input}` }] });
    expect(remote.received).toContainEqual({ messageId: remoteMessageId(run.runId, '0-model-0'), contextId: expect.any(String), text: input });
  });

  it('two runs of an A2A agent in one session continue one remote context', async () => {
    const agentName = await registerAndDeploy('echo-session', withJsonCard());
    const session = `a2a-session-${process.pid}`;
    const runs = [await runByName(agentName, 'My name is Ada.', session), await runByName(agentName, 'What is my name?', session)];
    const contexts = runs.map((run) => {
      expect(run).toMatchObject({ state: 'SUCCEEDED', sessionId: session });
      return remote.received.find((message) => message.messageId === remoteMessageId(run.runId, '0-model-0'))?.contextId;
    });
    expect(contexts[0]).toEqual(expect.stringMatching(/^agentline-/));
    expect(contexts[1]).toBe(contexts[0]);
  });

  it('a remote task that fails fails the run with the remote message', async () => {
    const agentName = await registerAndDeploy('failing', withJsonCard());
    const run = await runByName(agentName, 'fail this one');
    expect(run).toMatchObject({ state: 'FAILED', error: { code: 'A2A_TASK_FAILED', message: 'Remote agent Echo Agent failed the task: The remote agent broke' } });
  });

  it('a registered ADK agent calls a registered A2A agent among its sub_agents as a tool', async () => {
    const expert = await registerAndDeploy('capital-expert', withRemoteCard());
    const agentConfig = `name: geography_desk\ninstruction: Ask the capital expert.\ntools: [calculator]\nsub_agents:\n  - agent: ${expert}\n`;
    const desk = await registerAndDeploy('geography-desk', { adkAgentDefinition: { agentConfig } });
    gemini.script([
      functionCallReply([{ name: 'capital_expert', args: { request: 'What is the capital of Peru?' } }]),
      textReply('The capital expert says Lima.'),
    ]);
    const run = await runByName(desk, 'Capital of Peru?');
    gemini.assertAllRepliesUsed();
    expect(run).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 2, output: { text: 'The capital expert says Lima.' }, agent: { name: desk } });
    const declarations = gemini.requests[0]!.body.tools![0]!.functionDeclarations!;
    expect(declarations.map((declaration) => declaration.name)).toEqual(['calculator', 'capital_expert']);
    expect(declarations[1]).toMatchObject({ description: 'Repeats what it is told.', parametersJsonSchema: { required: ['request'] } });
    expect(gemini.requests[1]!.body.contents.at(-1)).toEqual({
      role: 'user',
      parts: [{ functionResponse: { name: 'capital_expert', response: { result: 'The remote agent read: What is the capital of Peru?' } } }],
    });
    expect(remote.received).toContainEqual({ messageId: remoteMessageId(run.runId, '0-tool-0'), contextId: expect.any(String), text: 'What is the capital of Peru?' });
  });
});
