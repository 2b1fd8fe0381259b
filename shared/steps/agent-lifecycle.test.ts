import { afterEach, describe, expect, it } from 'vitest';
import type { AgentState } from '../domain/agent-state.ts';
import type { Run } from '../domain/run.ts';
import type { CatalogAgent } from '../ports/agent-catalog.ts';
import type { ModelClient } from '../ports/model-client.ts';
import { ScriptedModel, modelCalls, modelText, type ScriptedReply } from '../testing/scripted-model.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';
import { publishAgentLifecycleChange } from './handle-agent-lifecycle.ts';

const agentName = 'projects/p/locations/global/collections/default_collection/engines/e/agents/calc';
const configYaml = `
name: calc_agent
description: Does arithmetic.
instruction: Use the calculator.
tools: [calculator]
`;

let world: ReturnType<typeof createInMemoryWorld> | undefined;
afterEach(() => world?.close());

function start(model: ModelClient, agent: Partial<CatalogAgent> = {}) {
  world = createInMemoryWorld({ model });
  world.agents.put({ name: agentName, state: 'ENABLED', creator: 'ada', definition: { kind: 'adk', configYaml }, ...agent });
  return world;
}

function setState(state: AgentState): void {
  const current = world!.documents.get(`agents/${encodeURIComponent(agentName)}`) as CatalogAgent;
  world!.agents.put({ ...current, state });
}

async function waitForState(runId: string, state: Run['state']): Promise<Run> {
  await expect.poll(async () => (await world!.store.getRun(runId))?.state, { timeout: 5_000 }).toBe(state);
  await world!.queue.idle();
  return (await world!.store.getRun(runId))!;
}

const resultsFor = (runId: string) =>
  world!.queue.published
    .filter((message) => message.topic === 'results')
    .map((message) => JSON.parse(message.data.toString('utf8')) as Record<string, unknown>)
    .filter((view) => view['runId'] === runId);

/** A model call that asks for 2+2 and, as it answers, changes the agent's state. */
const callChangingStateTo = (state: AgentState): ScriptedReply => () => {
  setState(state);
  return modelCalls([{ name: 'calculator', args: { expression: '2+2' } }]);
};

describe('starting a run of a registered agent', () => {
  it.each(['CONFIGURED', 'DEPLOYING', 'DEPLOYMENT_FAILED', 'DISABLED', 'SUSPENDED'] as const)(
    'refuses an agent that is %s, naming the state, and publishes the failure',
    async (state) => {
      const model = new ScriptedModel([]);
      const { submit, waitForRun } = start(model, { state });
      const run = await waitForRun(submit({ agent: { name: agentName }, input: 'hi', userId: 'ada' }));
      model.assertAllUsed();
      expect(run).toMatchObject({
        state: 'FAILED',
        error: {
          code: 'AGENT_NOT_RUNNABLE',
          message: `Agent ${agentName} is ${state}; only ENABLED agents (or PRIVATE ones, by their creator) can run`,
        },
      });
      expect(resultsFor(run.runId)).toEqual([expect.objectContaining({ state: 'FAILED', error: run.error })]);
    },
  );

  it('runs an ENABLED agent for any user and records that the agent is registered', async () => {
    const { submit, waitForRun } = start(new ScriptedModel([modelText('hello')]));
    const run = await waitForRun(submit({ agent: { name: agentName }, input: 'hi', userId: 'grace' }));
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: 'hello' }, agent: { name: agentName, registered: true } });
  });

  it('runs a PRIVATE agent for its creator only, refusing others exactly as if it did not exist', async () => {
    const model = new ScriptedModel([modelText('hello')]);
    const { submit, waitForRun } = start(model, { state: 'PRIVATE', creator: 'ada' });
    const mine = await waitForRun(submit({ agent: { name: agentName }, input: 'hi', userId: 'ada' }));
    const theirs = await waitForRun(submit({ agent: { name: agentName }, input: 'hi', userId: 'grace' }));
    const missingName = `${agentName}-missing`;
    const missing = await waitForRun(submit({ agent: { name: missingName }, input: 'hi', userId: 'grace' }));
    model.assertAllUsed();
    expect(mine.state).toBe('SUCCEEDED');
    expect(theirs).toMatchObject({ state: 'FAILED', error: { code: 'PERMISSION_DENIED' } });
    expect(theirs.error).toEqual({ ...missing.error, message: missing.error!.message.replace(missingName, agentName) });
  });

  it('requires the agent authorization grant when the agent sets one', async () => {
    const model = new ScriptedModel([modelText('granted')]);
    const { submit, waitForRun, agents } = start(model, { agentAuthorization: 'projects/p/locations/global/authorizations/finance' });
    const refused = await waitForRun(submit({ agent: { name: agentName }, input: 'hi', userId: 'grace' }));
    const anonymous = await waitForRun(submit({ agent: { name: agentName }, input: 'hi' }));
    agents.grantAuthorization('grace', 'projects/p/locations/global/authorizations/finance');
    const granted = await waitForRun(submit({ agent: { name: agentName }, input: 'hi', userId: 'grace' }));
    model.assertAllUsed();
    expect(refused).toMatchObject({
      state: 'FAILED',
      error: { code: 'PERMISSION_DENIED', message: expect.stringContaining('requires the authorization projects/p/locations/global/authorizations/finance') },
    });
    expect(anonymous.error?.code).toBe('PERMISSION_DENIED');
    expect(granted).toMatchObject({ state: 'SUCCEEDED', output: { text: 'granted' } });
  });
});

describe('an in-flight run when its agent changes state', () => {
  it('parks at its next step when the agent is suspended and resumes to the same output when enabled', async () => {
    const clean = start(new ScriptedModel([modelCalls([{ name: 'calculator', args: { expression: '2+2' } }]), modelText('4')]));
    const cleanRun = await clean.waitForRun(clean.submit({ agent: { name: agentName }, input: '2+2?', userId: 'ada' }));
    const cleanEvents = (await clean.store.listEvents(cleanRun.runId)).map((event) => event.content);
    clean.close();

    const model = new ScriptedModel([callChangingStateTo('SUSPENDED'), modelText('4')]);
    const { submit, waitForRun, store, queue } = start(model);
    const runId = submit({ agent: { name: agentName }, input: '2+2?', userId: 'ada' });
    const parked = await waitForState(runId, 'WAITING');
    expect(parked).toMatchObject({ next: { kind: 'tools' }, waitingReason: { code: 'AGENT_SUSPENDED', message: expect.stringContaining(`Agent ${agentName} is SUSPENDED`) } });
    expect((await store.listSteps(runId)).map((step) => step.stepId)).toEqual(['0-plan-0', '0-model-0']);
    expect(model.requests).toHaveLength(1);

    // A lifecycle message while still suspended changes nothing.
    await publishAgentLifecycleChange(queue, agentName);
    await queue.idle();
    expect((await store.getRun(runId))?.state).toBe('WAITING');

    setState('ENABLED');
    await publishAgentLifecycleChange(queue, agentName);
    await publishAgentLifecycleChange(queue, agentName);
    const run = await waitForRun(runId);
    model.assertAllUsed();
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: cleanRun.output, llmCallCount: 2 });
    expect(run.waitingReason).toBeUndefined();
    expect((await store.listEvents(runId)).map((event) => event.content)).toEqual(cleanEvents);
    expect((await store.listSteps(runId)).filter((step) => step.kind === 'plan').map((step) => step.stepId)).toEqual(['0-plan-0', '0-plan-1']);
  });

  it('parks again when suspended again before the resume step runs, and resumes on the next enable', async () => {
    const model = new ScriptedModel([callChangingStateTo('SUSPENDED'), modelText('4')]);
    const { submit, waitForRun, store, queue, handlers } = start(model);
    const runId = submit({ agent: { name: agentName }, input: '2+2?', userId: 'ada' });
    await waitForState(runId, 'WAITING');
    setState('ENABLED');
    // Deliver the lifecycle message by hand, suspend before the resume plan step is processed.
    const published = queue.published.length;
    await handlers.resumeAgentRuns({ messageId: 'm1', data: Buffer.from(JSON.stringify({ schemaVersion: 1, agentName })), attributes: {}, source: 'test' });
    setState('SUSPENDED');
    await queue.idle();
    expect(queue.published.length).toBeGreaterThan(published);
    expect(await store.getRun(runId)).toMatchObject({ state: 'WAITING', parkCount: 2 });
    setState('ENABLED');
    await publishAgentLifecycleChange(queue, agentName);
    expect(await waitForRun(runId)).toMatchObject({ state: 'SUCCEEDED', output: { text: '4' } });
    model.assertAllUsed();
  });

  it('keeps a parked run waiting when the suspended agent is disabled, and resumes it when enabled', async () => {
    const model = new ScriptedModel([callChangingStateTo('SUSPENDED'), modelText('4')]);
    const { submit, waitForRun, store, queue } = start(model);
    const runId = submit({ agent: { name: agentName }, input: '2+2?', userId: 'ada' });
    await waitForState(runId, 'WAITING');
    setState('DISABLED');
    await publishAgentLifecycleChange(queue, agentName);
    await queue.idle();
    expect(await store.getRun(runId)).toMatchObject({ state: 'WAITING', waitingReason: { code: 'AGENT_SUSPENDED' } });
    expect(model.requests).toHaveLength(1);
    setState('ENABLED');
    await publishAgentLifecycleChange(queue, agentName);
    expect(await waitForRun(runId)).toMatchObject({ state: 'SUCCEEDED', output: { text: '4' } });
  });

  it('fails a parked run, and publishes the outcome, when its agent is deleted', async () => {
    const model = new ScriptedModel([callChangingStateTo('SUSPENDED')]);
    const { submit, waitForRun, queue, agents } = start(model);
    const runId = submit({ agent: { name: agentName }, input: '2+2?', userId: 'ada' });
    await waitForState(runId, 'WAITING');
    agents.remove(agentName);
    await publishAgentLifecycleChange(queue, agentName);
    const run = await waitForRun(runId);
    model.assertAllUsed();
    expect(run).toMatchObject({ state: 'FAILED', error: { code: 'AGENT_DELETED', message: `Agent ${agentName} was deleted while the run waited for it to be enabled` } });
    expect(resultsFor(runId)).toEqual([expect.objectContaining({ state: 'FAILED', error: run.error })]);
  });

  it('lets an in-flight run finish when the agent is disabled, and refuses new runs', async () => {
    const model = new ScriptedModel([callChangingStateTo('DISABLED'), modelText('4')]);
    const { submit, waitForRun } = start(model);
    const inFlight = await waitForRun(submit({ agent: { name: agentName }, input: '2+2?', userId: 'ada' }));
    const next = await waitForRun(submit({ agent: { name: agentName }, input: 'again', userId: 'ada' }));
    model.assertAllUsed();
    expect(inFlight).toMatchObject({ state: 'SUCCEEDED', output: { text: '4' } });
    expect(next).toMatchObject({ state: 'FAILED', error: { code: 'AGENT_NOT_RUNNABLE', message: expect.stringContaining('is DISABLED') } });
  });

  it('refuses an unreadable lifecycle message by recording it', async () => {
    const { queue, store } = start(new ScriptedModel([]));
    const messageId = queue.publishRaw('agent-lifecycle', Buffer.from('{"agentName": 3}'));
    await queue.idle();
    expect(await store.getRejection(messageId)).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('agentName') });
  });
});
