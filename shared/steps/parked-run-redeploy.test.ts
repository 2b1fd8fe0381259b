import { afterEach, describe, expect, it } from 'vitest';
import { LocalTokenAuthenticator, mintLocalToken } from '../adapters/auth/local-token-authenticator.ts';
import { InMemoryAgentRegistry } from '../adapters/in-memory/in-memory-agent-registry.ts';
import { createPageTokenCodec } from '../domain/agents/page-token.ts';
import type { ModelClient } from '../ports/model-client.ts';
import { sampleParent } from '../testing/agent-fixtures.ts';
import { ScriptedModel, modelCalls, modelText } from '../testing/scripted-model.ts';
import { createApiHandlers } from '../wiring/create-api-handlers.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';
import { publishAgentLifecycleChange } from './handle-agent-lifecycle.ts';

const secret = 'unit-test-secret-of-at-least-32-characters';
const agentName = `${sampleParent}/agents/calc`;
const agentConfig = 'name: calc_agent\ndescription: Does arithmetic.\ninstruction: Use the calculator.\ntools: [calculator]\n';

let world: ReturnType<typeof createInMemoryWorld> | undefined;
afterEach(() => world?.close());

/** The pipeline and the agents API (with its deploy worker) over one in-memory database and queue. */
function start(model: ModelClient) {
  world = createInMemoryWorld({ model });
  const { documents, agents, store, queue } = world;
  let ids = 0;
  const api = createApiHandlers({
    registry: new InMemoryAgentRegistry(documents),
    agents,
    store,
    queue,
    authenticator: new LocalTokenAuthenticator(secret, []),
    pageTokens: createPageTokenCodec(secret),
    clock: { now: () => Date.now() },
    newId: () => `id${ids++}`,
    logger: world.deps.logger,
    announceLifecycleChange: (name) => publishAgentLifecycleChange(queue, name),
    availableTools: ['calculator'],
    fetchAgentCard: async (uri) => {
      throw new Error(`no network in unit tests (${uri})`);
    },
  });
  queue.subscribe('agent-deploy', api.deployAgent);
  const call = async (method: string, path: string, body?: unknown, query: Record<string, string> = {}) => {
    const token = await mintLocalToken(secret, { userId: 'ada' });
    const response = await api.api({ method, path: `/v1/${path}`, query, authorization: `Bearer ${token}`, body });
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as Record<string, unknown>;
  };
  return { world, call };
}

describe('a run parked by a suspension when its agent is redeployed', () => {
  it('resumes when a forced redeploy leaves the agent ENABLED', async () => {
    const scripted = new ScriptedModel([modelCalls([{ name: 'calculator', args: { expression: '2+2' } }]), modelText('4')]);
    let suspendOnFirstCall = true;
    // The agent is suspended while the first model call runs, so its commit parks the run.
    const model: ModelClient = {
      generate: async (request) => {
        if (suspendOnFirstCall) {
          suspendOnFirstCall = false;
          await call('POST', `${agentName}:suspendAgent`, {}, { suspensionReason: 'Maintenance' });
        }
        return scripted.generate(request);
      },
    };
    const { world, call } = start(model);
    await call('POST', `${sampleParent}/agents`, { displayName: 'Calc', description: 'Adds.', adkAgentDefinition: { agentConfig } }, { agentId: 'calc' });
    await call('POST', `${agentName}:deploy`, {});
    await world.queue.idle();
    expect(await call('GET', agentName)).toMatchObject({ state: 'ENABLED' });

    const runId = world.submit({ agent: { name: agentName }, input: '2+2?', userId: 'ada' });
    await world.queue.idle();
    expect(await world.store.getRun(runId)).toMatchObject({ state: 'WAITING', waitingReason: { code: 'AGENT_SUSPENDED' } });

    await call('POST', `${agentName}:deploy`, { force: true });
    await world.queue.idle();
    expect(await call('GET', agentName)).toMatchObject({ state: 'ENABLED' });
    expect(await world.store.getRun(runId)).toMatchObject({ state: 'SUCCEEDED', output: { text: '4' }, llmCallCount: 2 });
    scripted.assertAllUsed();
  });
});
