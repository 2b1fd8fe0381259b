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
import { startA2aTestServer, type A2aTestServer } from '../shared/testing/a2a-test-server.ts';

// Issue 3 item 6 through Pub/Sub push, the functions and the Firestore emulator: a registered A2A
// agent, served by a real @a2a-js/sdk server on this machine, answers a run. The agent document
// is written in the registry's layout (agents/{encoded name}) with the card fetchAgentCard got.
let stack: LocalStack;
let remote: A2aTestServer;

beforeAll(async () => {
  remote = await startA2aTestServer({ answer: (text) => `The remote agent read: ${text}` });
  stack = await startLocalStack({
    projectId: `a2a-${process.pid}`,
    emulators: { pubsubHost: inject('pubsubHost'), firestoreHost: inject('firestoreHost') },
    env: { GEMINI_API_KEY: 'test-key', AGENTLINE_LOG_LEVEL: 'silent' },
  });
});

afterAll(async () => {
  await stack?.stop();
  await remote?.close();
});

async function registerRemoteAgent(id: string): Promise<string> {
  const outbound = createGuardedFetch({ allowLoopback: true, timeoutMs: 10_000, maxResponseBytes: 100_000 });
  const { card } = await fetchAgentCard(remote.cardUrl, outbound.fetch).finally(() => outbound.close());
  const name = `projects/p/locations/global/collections/default_collection/engines/e/agents/${id}${process.pid}`;
  const agent: CatalogAgent = { name, state: 'ENABLED', creator: 'ada', definition: { kind: 'a2a', agentCard: card } };
  await stack.deps.firestore.doc(documentPaths.agent(encodeAgentName(name))).set(agent);
  return name;
}

async function submit(agentName: string, input: string): Promise<string> {
  const submission: Submission = { schemaVersion: 1, agent: { name: agentName }, input, userId: 'ada', idempotencyKey: `${Date.now()}-${input}` };
  const messageId = await new PubSubSubmissionPublisher(stack.deps.pubsub, topology.submissionsTopic).publish(submission);
  return deriveRunId(submission, messageId);
}

function waitForTerminal(runId: string): Promise<Run> {
  return waitForTerminalRun(stack.deps.store, runId);
}

describe('A2A agents through the local stack', () => {
  it('an A2A agent served by a local A2A server answers a run', async () => {
    const agentName = await registerRemoteAgent('echo');
    const run = await waitForTerminal(await submit(agentName, 'What is the capital of France?'));
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
    const run = await waitForTerminal(await submit(agentName, 'fail this one'));
    expect(run).toMatchObject({ state: 'FAILED', error: { code: 'A2A_TASK_FAILED', message: 'Remote agent Echo Agent failed the task: The remote agent broke' } });
  });
});
