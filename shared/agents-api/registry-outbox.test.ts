import { afterEach, describe, expect, it } from 'vitest';
import type { OutboxTopic } from '../domain/step.ts';
import { sweep } from '../engine/sweep.ts';
import type { ModelClient } from '../ports/model-client.ts';
import type { StepQueue } from '../ports/step-queue.ts';
import { sampleParent } from '../testing/agent-fixtures.ts';
import { createAgentsApiOverWorld } from '../testing/agents-api-over-world.ts';
import { ScriptedModel, modelCalls, modelText } from '../testing/scripted-model.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';

const agentName = `${sampleParent}/agents/calc`;
const agentConfig = 'name: calc_agent\ndescription: Does arithmetic.\ninstruction: Use the calculator.\ntools: [calculator]\n';

let world: ReturnType<typeof createInMemoryWorld> | undefined;
afterEach(() => {
  world?.close();
  world = undefined;
});

/**
 * The pipeline and the agents API over one in-memory database; the API's publishes on the topics
 * in `dying` fail as if its process died right after the registry's commit (the commit stands,
 * and the API call itself never learns), and nothing else would ever publish them again.
 */
function start(model: ModelClient, dying: Set<OutboxTopic>) {
  world = createInMemoryWorld({ model, settings: { sweep: { graceMs: 0, batchSize: 100, deletesExpired: false } } });
  const { queue } = world;
  const apiQueue: StepQueue = {
    async publish(messages) {
      if (messages.some((message) => dying.has(message.topic))) throw new Error('simulated crash: the process died after its commit');
      await queue.publish(messages);
    },
  };
  return { world, call: createAgentsApiOverWorld(world, { queue: apiQueue }) };
}

describe('registry changes whose publish died with the process', () => {
  it('finish a deploy through the sweeper, which publishes the deploy message the registry committed', async () => {
    const { world, call } = start(new ScriptedModel([]), new Set(['agent-deploy']));
    await call('POST', `${sampleParent}/agents`, { displayName: 'Calc', description: 'Adds.', adkAgentDefinition: { agentConfig } }, { agentId: 'calc' });
    const operation = await call('POST', `${agentName}:deploy`, {});
    await world.queue.idle();
    expect(await call('GET', agentName)).toMatchObject({ state: 'DEPLOYING' });

    expect((await sweep(world.deps)).outboxPublished).toBe(1);
    await world.queue.idle();
    expect(await call('GET', agentName)).toMatchObject({ state: 'ENABLED' });
    expect(await call('GET', operation['name'] as string)).toMatchObject({ done: true });
  });

  it('resume runs parked by a suspension after an enable, through the sweeper, which publishes the announcement the registry committed', async () => {
    const dying = new Set<OutboxTopic>();
    const scripted = new ScriptedModel([modelCalls([{ name: 'calculator', args: { expression: '2+2' } }]), modelText('4')]);
    let suspendOnFirstCall = true;
    // The agent is suspended while the run's first model request is in flight, so that call's commit parks the run.
    const model: ModelClient = {
      async generate(request) {
        if (suspendOnFirstCall) {
          suspendOnFirstCall = false;
          await call('POST', `${agentName}:suspendAgent`, {}, { suspensionReason: 'Maintenance' });
        }
        return scripted.generate(request);
      },
    };
    const { world, call } = start(model, dying);
    await call('POST', `${sampleParent}/agents`, { displayName: 'Calc', description: 'Adds.', adkAgentDefinition: { agentConfig } }, { agentId: 'calc' });
    await call('POST', `${agentName}:deploy`, {});
    await world.queue.idle();
    const runId = world.submit({ agent: { name: agentName }, input: '2+2?', userId: 'ada' });
    await world.queue.idle();
    expect(await world.store.getRun(runId)).toMatchObject({ state: 'WAITING', waitingReason: { code: 'AGENT_SUSPENDED' } });

    dying.add('agent-lifecycle');
    await call('POST', `${agentName}:enableAgent`, {});
    await world.queue.idle();
    expect(await world.store.getRun(runId)).toMatchObject({ state: 'WAITING' });

    expect((await sweep(world.deps)).outboxPublished).toBe(1);
    expect(await world.waitForRun(runId)).toMatchObject({ state: 'SUCCEEDED', output: { text: '4' } });
  });
});
