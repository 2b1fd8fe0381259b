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

/**
 * Enables the agent and delivers its lifecycle message by hand (enqueuing the resume plan steps),
 * then changes the state before those steps are processed, and lets them run.
 */
async function enableThenChangeBeforeResume(state: AgentState): Promise<void> {
  setState('ENABLED');
  await world!.handlers.resumeAgentRuns({ messageId: 'm1', data: Buffer.from(JSON.stringify({ schemaVersion: 1, agentName })), attributes: {}, source: 'test' });
  setState(state);
  await world!.queue.idle();
}

/** Announces a lifecycle change, lets it be handled, and checks the run is still parked with `code`. */
async function expectStillParkedAfterAnnouncement(runId: string, code: string): Promise<void> {
  await publishAgentLifecycleChange(world!.queue, agentName);
  await world!.queue.idle();
  expect(await world!.store.getRun(runId)).toMatchObject({ state: 'WAITING', waitingReason: { code } });
}

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
    const { submit, waitForRun, store, queue } = start(model);
    const runId = submit({ agent: { name: agentName }, input: '2+2?', userId: 'ada' });
    await waitForState(runId, 'WAITING');
    const published = queue.published.length;
    await enableThenChangeBeforeResume('SUSPENDED');
    expect(queue.published.length).toBeGreaterThan(published);
    expect(await store.getRun(runId)).toMatchObject({ state: 'WAITING', parkCount: 2 });
    setState('ENABLED');
    await publishAgentLifecycleChange(queue, agentName);
    expect(await waitForRun(runId)).toMatchObject({ state: 'SUCCEEDED', output: { text: '4' } });
    model.assertAllUsed();
  });

  it('keeps a parked run waiting when the suspended agent is disabled, and resumes it when enabled', async () => {
    const model = new ScriptedModel([callChangingStateTo('SUSPENDED'), modelText('4')]);
    const { submit, waitForRun, queue } = start(model);
    const runId = submit({ agent: { name: agentName }, input: '2+2?', userId: 'ada' });
    await waitForState(runId, 'WAITING');
    setState('DISABLED');
    await expectStillParkedAfterAnnouncement(runId, 'AGENT_SUSPENDED');
    expect(model.requests).toHaveLength(1);
    setState('ENABLED');
    await publishAgentLifecycleChange(queue, agentName);
    expect(await waitForRun(runId)).toMatchObject({ state: 'SUCCEEDED', output: { text: '4' } });
  });

  it.each([
    ['disabled', 'DISABLED', 'ada', 'AGENT_SUSPENDED'],
    ["made PRIVATE (another user's run)", 'PRIVATE', 'grace', 'AGENT_PRIVATE'],
  ] as const)(
    'keeps a parked run waiting, with a fresh resume step for the next enable, when the agent is %s after the enable but before the resume step runs',
    async (_change, state, userId, code) => {
      const model = new ScriptedModel([callChangingStateTo('SUSPENDED'), modelText('4')]);
      const { submit, waitForRun, store, queue } = start(model, { creator: 'ada' });
      const runId = submit({ agent: { name: agentName }, input: '2+2?', userId });
      await waitForState(runId, 'WAITING');
      await enableThenChangeBeforeResume(state);
      expect(await store.getRun(runId)).toMatchObject({ state: 'WAITING', parkCount: 2, waitingReason: { code } });
      expect(model.requests).toHaveLength(1);

      setState('ENABLED');
      await publishAgentLifecycleChange(queue, agentName);
      expect(await waitForRun(runId)).toMatchObject({ state: 'SUCCEEDED', output: { text: '4' } });
      model.assertAllUsed();
      expect((await store.listSteps(runId)).filter((step) => step.kind === 'plan').map((step) => step.stepId)).toEqual(['0-plan-0', '0-plan-1', '0-plan-2']);
    },
  );

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

describe('runs of other users when the agent becomes PRIVATE', () => {
  it("parks another user's in-flight run, lets the creator run, and resumes the parked run when the agent is ENABLED again", async () => {
    const model = new ScriptedModel([callChangingStateTo('PRIVATE'), modelText('hello ada'), modelText('4')]);
    const { submit, waitForRun, queue } = start(model, { creator: 'ada' });
    const theirs = submit({ agent: { name: agentName }, input: '2+2?', userId: 'grace' });
    const parked = await waitForState(theirs, 'WAITING');
    expect(parked).toMatchObject({
      next: { kind: 'tools' },
      waitingReason: { code: 'AGENT_PRIVATE', message: expect.stringContaining(`Agent ${agentName} is PRIVATE`) },
    });
    expect(model.requests).toHaveLength(1);

    const mine = await waitForRun(submit({ agent: { name: agentName }, input: 'hi', userId: 'ada' }));
    expect(mine).toMatchObject({ state: 'SUCCEEDED', output: { text: 'hello ada' } });

    // A lifecycle message while the agent is still PRIVATE leaves the other user's run parked.
    await expectStillParkedAfterAnnouncement(theirs, 'AGENT_PRIVATE');
    expect(model.requests).toHaveLength(2);

    setState('ENABLED');
    await publishAgentLifecycleChange(queue, agentName);
    expect(await waitForRun(theirs)).toMatchObject({ state: 'SUCCEEDED', output: { text: '4' }, llmCallCount: 2 });
    model.assertAllUsed();
  });

  it("resumes only the creator's suspension-parked run when the agent is enabled as PRIVATE, the others' when ENABLED", async () => {
    const model = new ScriptedModel([callChangingStateTo('SUSPENDED'), callChangingStateTo('SUSPENDED'), modelText('for ada'), modelText('for grace')]);
    const { submit, waitForRun, store, queue } = start(model, { creator: 'ada' });
    const theirs = submit({ agent: { name: agentName }, input: '2+2?', userId: 'grace' });
    await waitForState(theirs, 'WAITING');
    setState('ENABLED'); // no announcement yet: grace's run stays parked while ada's run starts
    const mine = submit({ agent: { name: agentName }, input: '2+2?', userId: 'ada' });
    await waitForState(mine, 'WAITING');

    setState('PRIVATE');
    await publishAgentLifecycleChange(queue, agentName);
    expect(await waitForRun(mine)).toMatchObject({ state: 'SUCCEEDED', output: { text: 'for ada' } });
    await queue.idle();
    expect(await store.getRun(theirs)).toMatchObject({ state: 'WAITING', waitingReason: { code: 'AGENT_SUSPENDED' } });
    expect(model.requests).toHaveLength(3);

    setState('ENABLED');
    await publishAgentLifecycleChange(queue, agentName);
    expect(await waitForRun(theirs)).toMatchObject({ state: 'SUCCEEDED', output: { text: 'for grace' } });
    model.assertAllUsed();
  });
});
