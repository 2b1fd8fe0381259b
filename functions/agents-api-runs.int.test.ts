import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { topology } from '../infra/topology.ts';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import { PubSubSubmissionPublisher } from '../shared/adapters/pubsub/pubsub-submission-publisher.ts';
import { isTerminal, type Run } from '../shared/domain/run.ts';
import { deriveRunId, type Submission } from '../shared/domain/submission.ts';
import { startLocalStack, type LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { afterEachModelAnswer } from '../shared/testing/after-model-answer.ts';
import { functionCallReply, textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';

// The registry and the pipeline together: an agent registered and deployed through the HTTP API
// runs; suspending it through the API parks its run, and enableAgent resumes it.
let stack: LocalStack;
let gemini: GeminiWireServer;
let token: string;
let afterModelAnswer: () => Promise<void> = async () => {};
const agentName = `projects/p/locations/global/collections/default_collection/engines/e/agents/calc-${process.pid}`;

beforeAll(async () => {
  gemini = await startGeminiWireServer();
  stack = await startLocalStack({
    projectId: `agents-api-runs-${process.pid}`,
    emulators: { pubsubHost: inject('pubsubHost'), firestoreHost: inject('firestoreHost') },
    env: { GEMINI_API_KEY: 'test-key', GOOGLE_GEMINI_BASE_URL: gemini.url, AGENTLINE_LOG_LEVEL: 'silent' },
    decorate: afterEachModelAnswer(() => afterModelAnswer()),
  });
  token = await mintLocalToken(stack.localAuthSecret, { userId: 'ada' });
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
});

async function call(method: string, path: string, body: unknown = {}): Promise<Record<string, any>> {
  const response = await fetch(`${stack.functionsUrl}/v1/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(method === 'GET' ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as Record<string, any>;
  if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json)}`);
  return json;
}

async function submit(): Promise<string> {
  const submission: Submission = { schemaVersion: 1, agent: { name: agentName }, input: '2+2?', userId: 'ada', idempotencyKey: `${Date.now()}-${Math.random()}` };
  return deriveRunId(submission, await new PubSubSubmissionPublisher(stack.deps.pubsub, topology.submissionsTopic).publish(submission));
}

async function waitFor(runId: string, done: (run: Run) => boolean): Promise<Run> {
  for (;;) {
    const run = await stack.deps.store.getRun(runId);
    if (run && done(run)) return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('an agent managed through the API, run by the pipeline', () => {
  it('parks a run when suspended through the API and resumes it on enableAgent', async () => {
    const slash = agentName.lastIndexOf('/agents/');
    await call('POST', `${agentName.slice(0, slash)}/agents?agentId=${agentName.slice(slash + 8)}`, {
      displayName: 'Calculator',
      description: 'Does arithmetic.',
      adkAgentDefinition: { agentConfig: 'name: calc_agent\ninstruction: Use the calculator.\ntools: [calculator]\n' },
    });
    const operation = await call('POST', `${agentName}:deploy`);
    while (!(await call('GET', operation['name']))['done']) await new Promise((resolve) => setTimeout(resolve, 100));

    gemini.script([functionCallReply([{ name: 'calculator', args: { expression: '2 + 2' } }]), textReply('4')]);
    let suspended = false;
    afterModelAnswer = async () => {
      if (suspended) return;
      suspended = true;
      expect((await call('POST', `${agentName}:suspendAgent?suspensionReason=Maintenance`))['state']).toBe('SUSPENDED');
    };
    const runId = await submit();
    expect(await waitFor(runId, (run) => run.state === 'WAITING' || isTerminal(run.state))).toMatchObject({ state: 'WAITING', waitingReason: { code: 'AGENT_SUSPENDED' } });

    expect((await call('POST', `${agentName}:enableAgent`))['state']).toBe('ENABLED');
    const run = await waitFor(runId, (current) => isTerminal(current.state));
    gemini.assertAllRepliesUsed();
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: '4' } });
  });
});
