import { afterEach, describe, expect, it } from 'vitest';
import type { ModelClient } from '../ports/model-client.ts';
import { sampleParent } from '../testing/agent-fixtures.ts';
import { createAgentsApiOverWorld } from '../testing/agents-api-over-world.ts';
import { ScriptedModel, modelCalls, modelText } from '../testing/scripted-model.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';

const agentName = `${sampleParent}/agents/calc`;
const agentConfig = 'name: calc_agent\ndescription: Does arithmetic.\ninstruction: Use the calculator.\ntools: [calculator]\n';

let world: ReturnType<typeof createInMemoryWorld> | undefined;
afterEach(() => world?.close());

/** The pipeline and the agents API (with its deploy worker) over one in-memory database and queue. */
function start(model: ModelClient) {
  world = createInMemoryWorld({ model });
  return { world, call: createAgentsApiOverWorld(world) };
}

/**
 * A world with the agent created and deployed (ENABLED) by ada, whose model suspends the agent
 * through the API while the first model call runs, so that call's commit parks its run.
 */
async function startDeployedAgentSuspendedByFirstCall(scripted: ScriptedModel) {
  let suspendOnFirstCall = true;
  const model: ModelClient = {
    generate: async (request) => {
      if (suspendOnFirstCall) {
        suspendOnFirstCall = false;
        await started.call('POST', `${agentName}:suspendAgent`, {}, { suspensionReason: 'Maintenance' });
      }
      return scripted.generate(request);
    },
  };
  const started = start(model);
  await started.call('POST', `${sampleParent}/agents`, { displayName: 'Calc', description: 'Adds.', adkAgentDefinition: { agentConfig } }, { agentId: 'calc' });
  await started.call('POST', `${agentName}:deploy`, {});
  await started.world.queue.idle();
  const { world, call } = started;
  return {
    ...started,
    /** Submits a run for `userId`, lets it run until its commit parks it, and checks that it did. */
    async submitParkedRun(userId: string): Promise<string> {
      const runId = world.submit({ agent: { name: agentName }, input: '2+2?', userId });
      await world.queue.idle();
      expect(await world.store.getRun(runId)).toMatchObject({ state: 'WAITING', waitingReason: { code: 'AGENT_SUSPENDED' } });
      return runId;
    },
    /** Forces a redeploy, lets it (and the resumes it announces) run, and checks the agent's new state. */
    async forceRedeploy(body: { private?: boolean }, state: 'ENABLED' | 'PRIVATE'): Promise<void> {
      await call('POST', `${agentName}:deploy`, { force: true, ...body });
      await world.queue.idle();
      expect(await call('GET', agentName)).toMatchObject({ state });
    },
  };
}

describe('a run parked by a suspension when its agent is redeployed', () => {
  it('resumes when a forced redeploy leaves the agent ENABLED', async () => {
    const scripted = new ScriptedModel([modelCalls([{ name: 'calculator', args: { expression: '2+2' } }]), modelText('4')]);
    const { world, call, submitParkedRun, forceRedeploy } = await startDeployedAgentSuspendedByFirstCall(scripted);
    expect(await call('GET', agentName)).toMatchObject({ state: 'ENABLED' });
    const runId = await submitParkedRun('ada');
    await forceRedeploy({}, 'ENABLED');
    expect(await world.store.getRun(runId)).toMatchObject({ state: 'SUCCEEDED', output: { text: '4' }, llmCallCount: 2 });
    scripted.assertAllUsed();
  });

  it("resumes only the creator's parked run after a forced redeploy with private: true, and the others' after one without", async () => {
    const scripted = new ScriptedModel([
      modelCalls([{ name: 'calculator', args: { expression: '2+2' } }]),
      modelText('hello ada'),
      modelText('4'),
    ]);
    const { world, submitParkedRun, forceRedeploy } = await startDeployedAgentSuspendedByFirstCall(scripted);
    const theirs = await submitParkedRun('grace');

    await forceRedeploy({ private: true }, 'PRIVATE');
    expect(await world.store.getRun(theirs)).toMatchObject({ state: 'WAITING' });
    const mine = world.submit({ agent: { name: agentName }, input: 'hi', userId: 'ada' });
    await world.queue.idle();
    expect(await world.store.getRun(mine)).toMatchObject({ state: 'SUCCEEDED', output: { text: 'hello ada' } });

    await forceRedeploy({}, 'ENABLED');
    expect(await world.store.getRun(theirs)).toMatchObject({ state: 'SUCCEEDED', output: { text: '4' }, llmCallCount: 2 });
    scripted.assertAllUsed();
  });
});
