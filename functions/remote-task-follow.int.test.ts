import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topology } from '../infra/topology.ts';
import { documentPaths, encodeAgentName } from '../shared/adapters/document-paths.ts';
import { TransientError } from '../shared/domain/errors.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import type { RemoteAgentClient, RemoteTaskSnapshot } from '../shared/ports/remote-agent-client.ts';
import { createDeployedDeliveryPolicy } from '../shared/testing/deployed-delivery-policy.ts';
import { createScaledTime } from '../shared/testing/scaled-time.ts';
import { submitToStack } from '../shared/testing/submit-to-stack.ts';
import { startTestStack } from '../shared/testing/test-stack.ts';
import { waitForTerminalRun } from '../shared/testing/wait-for-terminal-run.ts';

// A registered A2A agent whose task takes ten minutes and whose server answers every third check
// with a 503, followed by a run on the emulators under the deployed delivery policy. Time is
// simulated (60 × the wall clock) for the pipeline; the remote is simulated at the
// RemoteAgentClient port, whose A2A adapter has its own tests against a real A2A server.
const scale = 60;
const taskMinutes = 10;
const time = createScaledTime(scale);
const agentName = 'projects/p/locations/global/collections/default_collection/engines/e/agents/slow-remote';

let followChecks = 0;
let transientErrors = 0;
let sends = 0;
let taskStart = 0;
const slowRemote: RemoteAgentClient = {
  async send(): Promise<RemoteTaskSnapshot> {
    sends++;
    taskStart = time.clock.now();
    return { state: 'working', taskId: 'task-1', text: '' };
  },
  async follow(_endpoint, taskId): Promise<RemoteTaskSnapshot> {
    if (++followChecks % 3 === 0) {
      transientErrors++;
      throw new TransientError('remote agent answered HTTP 503 Service Unavailable');
    }
    if (time.clock.now() - taskStart < taskMinutes * 60_000) return { state: 'working', taskId, text: 'still thinking' };
    return { state: 'completed', taskId, text: `Finished after ${taskMinutes} minutes.` };
  },
};

let stack: LocalStack;
const policy = createDeployedDeliveryPolicy({
  policies: topology,
  projectId: () => stack.projectId,
  publishToDeadLetterTopic: async (data, attributes, topic) => void (await stack.deps.pubsub.topic(topic).publishMessage({ data, attributes })),
});

beforeAll(async () => {
  stack = await startTestStack('remote-follow', {
    env: { GEMINI_API_KEY: 'unused', AGENTLINE_LOG_LEVEL: 'silent' },
    decorate: (deps) => ({ ...deps, clock: time.clock, delayQueue: time.scaleDelays(deps.delayQueue), remoteAgents: slowRemote }),
    wrapHandlers: (handlers) => policy.wrapHandlers(handlers),
  });
  const card = {
    protocolVersion: '0.3.0',
    name: 'Slow remote',
    description: 'Takes ten minutes.',
    url: 'https://slow-remote.example.com/a2a/jsonrpc',
    preferredTransport: 'JSONRPC',
    version: '1.0.0',
    capabilities: {},
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [{ id: 'think', name: 'Think', description: 'Thinks for a long time', tags: ['slow'] }],
  };
  await stack.deps.firestore.doc(documentPaths.agent(encodeAgentName(agentName))).set({ name: agentName, state: 'ENABLED', creator: 'ada', definition: { kind: 'a2a', agentCard: card } });
});

afterAll(async () => {
  await policy.close();
  await stack?.stop();
});

describe('a remote task followed for a long time', () => {
  it(`does not fail its run when it takes ${taskMinutes} simulated minutes and its server fails transiently along the way`, { timeout: 120_000 }, async () => {
    const runId = await submitToStack(stack, { schemaVersion: 1, agent: { name: agentName }, input: 'Think hard.', userId: 'ada', idempotencyKey: `follow-${Date.now()}` });
    const run = await waitForTerminalRun(stack.deps.store, runId, 100_000);
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: `Finished after ${taskMinutes} minutes.` }, llmCallCount: 1 });
    expect(sends).toBe(1);
    // Far more follow cycles than the model step's attempt limit, and errors among them.
    expect(followChecks).toBeGreaterThan(3 * 6);
    expect(transientErrors).toBeGreaterThan(6);
    expect(policy.figures.deadLettered).toBe(0);
    expect(policy.figures.redeliveriesScheduled).toBe(0);
  });
});
