import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { topology } from '../infra/topology.ts';
import { documentPaths, encodeAgentName } from '../shared/adapters/document-paths.ts';
import { fetchAgentCard } from '../shared/adapters/http/fetch-agent-card.ts';
import { createGuardedFetch } from '../shared/adapters/http/guarded-fetch.ts';
import { PubSubSubmissionPublisher } from '../shared/adapters/pubsub/pubsub-submission-publisher.ts';
import type { Run } from '../shared/domain/run.ts';
import { deriveRunId, type Submission } from '../shared/domain/submission.ts';
import { waitForTerminalRun } from '../shared/testing/wait-for-terminal-run.ts';
import { startLocalStack, type LocalStack } from '../shared/local-stack/start-local-stack.ts';
import type { CatalogAgent } from '../shared/ports/agent-catalog.ts';
import { remoteMessageId } from '../shared/steps/remote-agent-turn.ts';
import { startA2aTestServer, type A2aTestServer } from '../shared/testing/a2a-test-server.ts';
import { functionCallReply, textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';

// Issue 3 item 6 through Pub/Sub push, the functions and the Firestore emulator: a registered A2A
// agent, served by a real @a2a-js/sdk server on this machine, answers a run. The agent document
// is written in the registry's layout (agents/{encoded name}) with the card fetchAgentCard got.
// ADK agents calling it as a sub-agent talk to Gemini through the real @google/genai client and a
// local Gemini-wire server.
let stack: LocalStack;
let remote: A2aTestServer;
let gemini: GeminiWireServer;

beforeAll(async () => {
  remote = await startA2aTestServer({ answer: (text) => `The remote agent read: ${text}` });
  gemini = await startGeminiWireServer();
  stack = await startLocalStack({
    projectId: `a2a-${process.pid}`,
    emulators: { pubsubHost: inject('pubsubHost'), firestoreHost: inject('firestoreHost') },
    env: { GEMINI_API_KEY: 'test-key', GOOGLE_GEMINI_BASE_URL: gemini.url, AGENTLINE_LOG_LEVEL: 'silent' },
  });
});

afterAll(async () => {
  await stack?.stop();
  await remote?.close();
  await gemini?.close();
});

async function registerRemoteAgent(id: string): Promise<string> {
  const outbound = createGuardedFetch({ allowLoopback: true, timeoutMs: 10_000, maxResponseBytes: 100_000 });
  const { card } = await fetchAgentCard(remote.cardUrl, outbound.fetch).finally(() => outbound.close());
  const name = `projects/p/locations/global/collections/default_collection/engines/e/agents/${id}${process.pid}`;
  const agent: CatalogAgent = { name, state: 'ENABLED', creator: 'ada', definition: { kind: 'a2a', agentCard: card } };
  await stack.deps.firestore.doc(documentPaths.agent(encodeAgentName(name))).set(agent);
  return name;
}

async function submit(agent: Submission['agent'], input: string): Promise<string> {
  const submission: Submission = { schemaVersion: 1, agent, input, userId: 'ada', idempotencyKey: `${Date.now()}-${input}` };
  const messageId = await new PubSubSubmissionPublisher(stack.deps.pubsub, topology.submissionsTopic).publish(submission);
  return deriveRunId(submission, messageId);
}

function waitForTerminal(runId: string): Promise<Run> {
  return waitForTerminalRun(stack.deps.store, runId);
}

describe('A2A agents through the local stack', () => {
  it('an A2A agent served by a local A2A server answers a run', async () => {
    const agentName = await registerRemoteAgent('echo');
    const run = await waitForTerminal(await submit({ name: agentName }, 'What is the capital of France?'));
    expect(run).toMatchObject({
      state: 'SUCCEEDED',
      llmCallCount: 1,
      output: { text: 'The remote agent read: What is the capital of France?' },
      agent: { name: agentName, remoteAgent: { name: 'Echo Agent', endpoint: { transport: 'JSONRPC' } } },
    });
    const events = await stack.deps.store.listEvents(run.runId);
    expect(events.at(-1)?.content).toEqual({ role: 'model', parts: [{ text: 'The remote agent read: What is the capital of France?' }] });
  });

  it('a remote task that fails fails the run with the remote message', async () => {
    const agentName = await registerRemoteAgent('failing');
    const run = await waitForTerminal(await submit({ name: agentName }, 'fail this one'));
    expect(run).toMatchObject({ state: 'FAILED', error: { code: 'A2A_TASK_FAILED', message: 'Remote agent Echo Agent failed the task: The remote agent broke' } });
  });

  it('an ADK agent calls a registered A2A agent as a tool', async () => {
    const agentName = await registerRemoteAgent('capital-expert');
    const configYaml = `name: geography_desk\ninstruction: Ask the capital expert.\ntools: [calculator]\nsub_agents:\n  - agent: ${agentName}\n`;
    const toolName = `capital_expert${process.pid}`;
    gemini.script([
      functionCallReply([{ name: toolName, args: { request: 'What is the capital of Peru?' } }]),
      textReply('The capital expert says Lima.'),
    ]);
    const run = await waitForTerminal(await submit({ configYaml, fileName: 'geography_desk.yaml' }, 'Capital of Peru?'));
    gemini.assertAllRepliesUsed();
    expect(run).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 2, output: { text: 'The capital expert says Lima.' } });
    const declarations = gemini.requests[0]!.body.tools![0]!.functionDeclarations!;
    expect(declarations.map((declaration) => declaration.name)).toEqual(['calculator', toolName]);
    expect(declarations[1]).toMatchObject({ description: 'Repeats what it is told.', parametersJsonSchema: { required: ['request'] } });
    expect(gemini.requests[1]!.body.contents.at(-1)).toEqual({
      role: 'user',
      parts: [{ functionResponse: { name: toolName, response: { result: 'The remote agent read: What is the capital of Peru?' } } }],
    });
    expect(remote.received).toContainEqual({ messageId: remoteMessageId(run.runId, '0-tool-0'), text: 'What is the capital of Peru?' });
  });
});
