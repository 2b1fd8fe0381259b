import { afterEach, describe, expect, it } from 'vitest';
import { useA2aTestServer } from '../testing/a2a-test-server.ts';
import { ScriptedModel } from '../testing/scripted-model.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';
import { remoteMessageId } from './remote-agent-turn.ts';

const agentName = 'projects/p/locations/global/collections/default_collection/engines/e/agents/echo';

const a2aServer = useA2aTestServer({ slowMs: 300 });
let world: ReturnType<typeof createInMemoryWorld> | undefined;
afterEach(() => world?.close());

/**
 * The message a run sent the remote. Worlds reuse run ids and the server lives for the whole
 * file, so the latest message with the run's message id is this run's.
 */
const sentBy = (run: { runId: string }) => a2aServer().received.findLast((message) => message.messageId === remoteMessageId(run.runId, '0-model-0'));

/** A world with no model (any model call fails the test) and the echo agent registered. */
function startWorld(agentCard: Record<string, unknown>, settings: Parameters<typeof createInMemoryWorld>[0]['settings'] = {}) {
  const model = new ScriptedModel([]);
  world = createInMemoryWorld({ model, settings });
  world.agents.put({ name: agentName, state: 'ENABLED', creator: 'ada', definition: { kind: 'a2a', agentCard } });
  return { ...world, model };
}

describe('a run of a registered A2A agent', () => {
  it.each([
    ['v1.0', () => a2aServer().cardJson()],
    ['v0.3', () => a2aServer().v03CardJson()],
  ])('records the remote answer as the model turn and the output (%s card)', async (_version, card) => {
    const { submit, waitForRun, store, model } = startWorld(card());
    const run = await waitForRun(submit({ agent: { name: agentName }, input: 'hello there', userId: 'ada' }));
    expect(run).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 1, llmCallsSucceeded: 1, output: { text: 'echo: hello there' } });
    expect(run.agent).toMatchObject({ name: agentName, remoteAgent: { name: 'Echo Agent' } });
    const events = await store.listEvents(run.runId);
    expect(events.map((event) => event.content)).toEqual([
      { role: 'user', parts: [{ text: 'hello there' }] },
      { role: 'model', parts: [{ text: 'echo: hello there' }] },
    ]);
    expect(a2aServer().received).toContainEqual({ messageId: remoteMessageId(run.runId, '0-model-0'), contextId: expect.any(String), text: 'hello there' });
    expect(model.requests).toHaveLength(0);
  });

  it('continues one remote context across the runs of a session, and no other session or user shares it', async () => {
    const { submit, waitForRun } = startWorld(a2aServer().cardJson());
    const contextOf = async (input: string, sessionId: string, userId: string) => {
      const run = await waitForRun(submit({ agent: { name: agentName }, input, sessionId, userId }));
      expect(run.state).toBe('SUCCEEDED');
      return sentBy(run)?.contextId;
    };
    const first = await contextOf('my name is Ada', 'session-1', 'ada');
    const second = await contextOf('what is my name?', 'session-1', 'ada');
    const otherSession = await contextOf('what is my name?', 'session-2', 'ada');
    const otherUser = await contextOf('what is my name?', 'session-1', 'bob');
    expect(first).toEqual(expect.stringMatching(/^agentline-/));
    expect(second).toBe(first);
    expect(new Set([first, otherSession, otherUser]).size).toBe(3);
  });

  it('sends the remote only the run input, not the session history it continues', async () => {
    const { submit, waitForRun } = startWorld(a2aServer().cardJson());
    await waitForRun(submit({ agent: { name: agentName }, input: 'remember the number 7', sessionId: 'session-history', userId: 'ada' }));
    const run = await waitForRun(submit({ agent: { name: agentName }, input: 'which number?', sessionId: 'session-history', userId: 'ada' }));
    expect(run.output).toEqual({ text: 'echo: which number?' });
    expect(sentBy(run)?.text).toBe('which number?');
  });

  it('gives each run without a session a context of its own', async () => {
    const { submit, waitForRun } = startWorld(a2aServer().cardJson());
    const first = sentBy(await waitForRun(submit({ agent: { name: agentName }, input: 'one', userId: 'ada' })));
    const second = sentBy(await waitForRun(submit({ agent: { name: agentName }, input: 'two', userId: 'ada' })));
    const contexts = [first?.contextId, second?.contextId];
    expect(contexts[0]).toEqual(expect.any(String));
    expect(contexts[1]).toEqual(expect.any(String));
    expect(contexts[0]).not.toBe(contexts[1]);
  });

  it('keeps following a task still working when an attempt runs out, without counting another call', async () => {
    const { submit, waitForRun, store } = startWorld(a2aServer().cardJson(), {
      remoteAgent: { followMs: 0, recheckDelayMs: 20, maxTaskMs: 60_000 },
    });
    const run = await waitForRun(submit({ agent: { name: agentName }, input: 'slow but sure', userId: 'ada' }));
    expect(run).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 1, output: { text: 'echo: slow but sure' } });
    const [step] = await store.getSteps(run.runId, ['0-model-0']);
    expect(step?.attempt).toBeGreaterThan(1);
    expect(step?.remoteTask?.taskId).toEqual(expect.any(String));
    expect(a2aServer().received.filter((message) => message.text === 'slow but sure')).toHaveLength(1);
  });

  it.each([
    ['fail please', 'A2A_TASK_FAILED', 'Remote agent Echo Agent failed the task: The remote agent broke'],
    ['ask something', 'A2A_INPUT_REQUIRED', 'Remote agent Echo Agent needs more input, which a run cannot give it mid-task: Which city do you mean?'],
  ])('fails the run with the remote reason when the task ends without an answer (%s)', async (input, code, message) => {
    const { submit, waitForRun } = startWorld(a2aServer().cardJson());
    const run = await waitForRun(submit({ agent: { name: agentName }, input, userId: 'ada' }));
    expect(run).toMatchObject({ state: 'FAILED', error: { code, message } });
  });

  it('ends a run whose remote task outlives the limit', async () => {
    const { submit, waitForRun } = startWorld(a2aServer().cardJson(), { remoteAgent: { followMs: 0, recheckDelayMs: 10, maxTaskMs: 0 } });
    const run = await waitForRun(submit({ agent: { name: agentName }, input: 'slow forever', userId: 'ada' }));
    expect(run).toMatchObject({ state: 'FAILED', error: { code: 'A2A_TASK_TIMEOUT' } });
  });

  it('refuses at submission an agent whose stored card is not a valid card', async () => {
    const { submit, waitForRun } = startWorld({ name: 'broken' });
    const run = await waitForRun(submit({ agent: { name: agentName }, input: 'hi', userId: 'ada' }));
    expect(run.state).toBe('FAILED');
    expect(run.error?.code).toBe('INVALID_ARGUMENT');
    expect(run.error?.message).toContain(`agent card of ${agentName}: description: required`);
  });

  it('fails the run for good when the card points at a refused address', async () => {
    const card = { ...a2aServer().cardJson(), supportedInterfaces: [{ url: 'http://169.254.169.254/a2a', protocolBinding: 'JSONRPC', protocolVersion: '1.0' }] };
    const { submit, waitForRun } = startWorld(card);
    const run = await waitForRun(submit({ agent: { name: agentName }, input: 'hi', userId: 'ada' }));
    expect(run).toMatchObject({ state: 'FAILED', error: { code: 'OUTBOUND_ADDRESS_REFUSED' } });
  });
});
