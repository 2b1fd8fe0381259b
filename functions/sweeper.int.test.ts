import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topology } from '../infra/topology.ts';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import { FirestoreAgentRegistry } from '../shared/adapters/firestore/firestore-agent-registry.ts';
import { FirestoreOutboxStore } from '../shared/adapters/firestore/firestore-outbox-store.ts';
import { testRetention } from '../shared/adapters/in-memory/in-memory-run-store.ts';
import { changeLifecycle, deployAgent } from '../shared/agents-api/operation-methods.ts';
import { sweepMessage } from '../shared/domain/sweep-message.ts';
import type { OutboxMessage } from '../shared/domain/step.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { silentLogger } from '../shared/ports/logger.ts';
import { sampleAgentConfig } from '../shared/testing/agent-fixtures.ts';
import { createAgentsApiClient } from '../shared/testing/agents-api-client.ts';
import { functionCallReply, textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { submitToStack } from '../shared/testing/submit-to-stack.ts';
import { geminiWireTestEnv, startTestStack } from '../shared/testing/test-stack.ts';
import { waitForTerminalRun } from '../shared/testing/wait-for-terminal-run.ts';

// Work a dead process left behind, which no redelivery will bring back, finished by the sweeper
// through the deployed path: a sweep message on agentline-sweep (Cloud Scheduler's, in the cloud).
let stack: LocalStack;
let gemini: GeminiWireServer;
const lost: OutboxMessage[] = [];

beforeAll(async () => {
  gemini = await startGeminiWireServer();
  stack = await startTestStack('sweeper', {
    env: { ...geminiWireTestEnv(gemini.url), AGENTLINE_SWEEP_GRACE_SECONDS: '0.5' },
    // The first tool message is lost: the process that committed it died before publishing, and
    // the message that led to that commit was acknowledged.
    decorate: (deps) => ({
      ...deps,
      queue: {
        async publish(messages) {
          const kept = messages.filter((message) => message.topic !== 'tool' || lost.length > 0 || (lost.push(message), false));
          await deps.queue.publish(kept);
        },
      },
    }),
  });
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
});

const sweepNow = () => stack.deps.pubsub.topic(topology.sweepTopic).publishMessage({ json: sweepMessage });

describe('the sweeper on the emulators', () => {
  it('finishes a run whose step message died with the process that committed it', async () => {
    gemini.script([functionCallReply([{ name: 'calculator', args: { expression: '6*7' } }]), textReply('42')]);
    const agent = { configYaml: 'name: calc_agent\ninstruction: Use the calculator.\ntools: [calculator]\n', fileName: 'calc.yaml' };
    const runId = await submitToStack(stack, { schemaVersion: 1, agent, input: 'six times seven', idempotencyKey: `sweep-${Date.now()}` });
    await expect.poll(() => lost.length, { timeout: 10_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await stack.deps.store.getRun(runId))?.state).toBe('RUNNING');

    await sweepNow();
    expect(await waitForTerminalRun(stack.deps.store, runId, 20_000)).toMatchObject({ state: 'SUCCEEDED', output: { text: '42' }, llmCallCount: 2 });
    expect((await stack.deps.store.getSteps(runId, ['0-tool-0']))[0]).toMatchObject({ state: 'SUCCEEDED', redrives: 1 });
  });

  it('finishes a deploy whose message died with the process that committed it', async () => {
    const parent = 'projects/p/locations/global/collections/default_collection/engines/e';
    const api = createAgentsApiClient(stack.functionsUrl, { ada: await mintLocalToken(stack.localAuthSecret, { userId: 'ada' }) });
    const name = await api.createAgent('ada', parent, 'swept', { displayName: 'Swept', description: 'Deployed by the sweeper.', adkAgentDefinition: { agentConfig: sampleAgentConfig } });
    // The deploy commits (DEPLOYING, the operation, the outbox entry) and its publish fails.
    const operation = await deployAgent(apiDepsDyingAfterCommit(), { userId: 'ada', admin: false }, name, {});
    expect((await api.call('ada', 'GET', name)).body).toMatchObject({ state: 'DEPLOYING' });

    await new Promise((resolve) => setTimeout(resolve, 600));
    await sweepNow();
    expect(await api.waitForOperation('ada', operation['name'] as string)).toMatchObject({ done: true, response: { state: 'ENABLED' } });
  });

  it('resumes a run parked by a suspension once the enable whose announcement died with its process is swept', async () => {
    const parent = 'projects/p/locations/global/collections/default_collection/engines/e';
    const api = createAgentsApiClient(stack.functionsUrl, { ada: await mintLocalToken(stack.localAuthSecret, { userId: 'ada' }) });
    const name = await api.createAgent('ada', parent, 'parked', { displayName: 'Parked', description: 'Suspended mid-run.', adkAgentDefinition: { agentConfig: sampleAgentConfig } });
    expect(await api.deploy('ada', name)).toMatchObject({ response: { state: 'ENABLED' } });
    // The run's first model request is held until the agent is suspended, so its commit parks the run.
    let suspended: () => void = () => {};
    gemini.script([{ ...functionCallReply([{ name: 'calculator', args: { expression: '2+2' } }]), until: new Promise<void>((resolve) => (suspended = resolve)) }, textReply('4')]);
    const requestsBefore = gemini.requests.length;
    const runId = await submitToStack(stack, { schemaVersion: 1, agent: { name }, userId: 'ada', input: '2+2?', idempotencyKey: `parked-${Date.now()}` });
    await expect.poll(() => gemini.requests.length, { timeout: 10_000 }).toBe(requestsBefore + 1);
    expect((await api.call('ada', 'POST', `${name}:suspendAgent`, { suspensionReason: 'Maintenance' })).status).toBe(200);
    suspended();
    await expect.poll(async () => (await stack.deps.store.getRun(runId))?.waitingReason?.code, { timeout: 10_000 }).toBe('AGENT_SUSPENDED');

    // The enable commits (ENABLED, the announcement in the outbox) and its publish fails.
    await changeLifecycle(apiDepsDyingAfterCommit(), { userId: 'ada', admin: false }, name, 'enableAgent', undefined);
    expect((await api.call('ada', 'GET', name)).body).toMatchObject({ state: 'ENABLED' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await stack.deps.store.getRun(runId)).toMatchObject({ state: 'WAITING' });

    await sweepNow();
    expect(await waitForTerminalRun(stack.deps.store, runId, 20_000)).toMatchObject({ state: 'SUCCEEDED', output: { text: '4' }, llmCallCount: 2 });
  });
});

/** The agents API's dependencies on this stack, in a process that dies right after each commit: every publish fails. */
function apiDepsDyingAfterCommit() {
  return {
    registry: new FirestoreAgentRegistry(stack.deps.firestore, testRetention),
    outbox: new FirestoreOutboxStore(stack.deps.firestore),
    queue: { publish: async () => Promise.reject(new Error('simulated crash: the process died after its commit')) },
    clock: { now: () => Date.now() },
    newId: () => `swept-${Date.now()}`,
    logger: silentLogger,
  };
}
