import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { newStep, type Step } from '../domain/step.ts';
import { createExecutorHarness } from '../testing/executor-harness.ts';
import { ScriptedModel, modelText } from '../testing/scripted-model.ts';
import type { Tool } from '../tools/tool.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';
import { cancelRunNow } from './handle-run-control.ts';

const toolInput = (name: string) => ({ functionCall: { name, args: {} }, callCount: 1 });

/** Cancels run r1 at the moment a step of `kind` is pending, delivers it, and returns what was left. */
async function cancelWhilePending(step: Step, runFields: Parameters<ReturnType<typeof createExecutorHarness>['seed']>[0]) {
  const world = createExecutorHarness({ model: new ScriptedModel([]) });
  await world.seed(runFields, [step]);
  await cancelRunNow(world.deps, { runId: 'r1', requestedBy: 'ada', reason: 'not needed' });
  await world.deliver('r1', step.stepId);
  return { world, run: await world.deps.store.getRun('r1'), step: await world.step('r1', step.stepId), steps: await world.deps.store.listSteps('r1') };
}

describe('cancelling a run', () => {
  it('ends it CANCELLED at once, naming who asked and why, and publishes the outcome', async () => {
    const { run, world } = await cancelWhilePending(newStep('r1', '0-plan-0', 1), { runId: 'r1', state: 'QUEUED' });
    expect(run).toMatchObject({ state: 'CANCELLED', error: { code: 'CANCELLED', message: 'The run was cancelled by ada: not needed' }, next: { kind: 'none' } });
    expect(world.published.filter((message) => message.topic === 'results')).toHaveLength(1);
  });

  it.each([
    ['plan', newStep('r1', '0-plan-0', 1), {}],
    ['model', newStep('r1', '0-model-0', 1), {}],
    ['tool', newStep('r1', '0-tool-0', 1, toolInput('calculator')), { next: { kind: 'tools' as const, calls: [{ name: 'calculator', args: {} }] } }],
    ['memory', newStep('r1', '1-memory-0', 1), { next: { kind: 'memory' as const }, output: { text: 'done' }, userId: 'u1', sessionId: 's1' }],
  ])('closes a pending %s step when it is delivered, enqueuing nothing and calling nothing', async (_kind, step, fields) => {
    const { run, step: closed, steps, world } = await cancelWhilePending(step, { runId: 'r1', ...fields });
    expect(run?.state).toBe('CANCELLED');
    expect(closed).toMatchObject({ state: 'CANCELLED', lastError: { code: 'RUN_ENDED' } });
    expect(closed.dueTime).toBeUndefined();
    expect(steps).toHaveLength(1);
    expect(world.published.filter((message) => message.topic !== 'results')).toEqual([]);
    expect(await world.deps.store.listMemories('u1')).toEqual([]);
  });

  it('closes a step waiting for its retry time when its delayed message arrives', async () => {
    const world = createExecutorHarness({ model: new ScriptedModel([]) });
    const now = world.clock.time;
    await world.seed({ runId: 'r1', llmCallCount: 1 }, [{ ...newStep('r1', '0-model-0', now), attempt: 1, retryTime: now + 10_000, dueTime: now + 10_000 }]);
    await cancelRunNow(world.deps, { runId: 'r1' });
    world.clock.time += 10_000;
    await world.deliver('r1', '0-model-0');
    expect(await world.step('r1', '0-model-0')).toMatchObject({ state: 'CANCELLED' });
    expect(await world.deps.store.getRun('r1')).toMatchObject({ state: 'CANCELLED', llmCallCount: 1 });
  });

  it('lets a tool call in flight finish, records its result on its step, and takes no further turn', async () => {
    let world: ReturnType<typeof createExecutorHarness>;
    const slow: Tool<Record<string, never>> = {
      name: 'slow_tool',
      description: 'Takes a while.',
      inputSchema: z.object({}),
      repeatable: true,
      async execute() {
        await cancelRunNow(world.deps, { runId: 'r1' });
        return 'finished anyway';
      },
    };
    world = createExecutorHarness({ tools: [slow as Tool] });
    await world.seed({ runId: 'r1', next: { kind: 'tools', calls: [{ name: 'slow_tool', args: {} }] } }, [newStep('r1', '0-tool-0', 1, toolInput('slow_tool'))], ['slow_tool']);
    await world.deliver('r1', '0-tool-0');
    expect(await world.step('r1', '0-tool-0')).toMatchObject({ state: 'CANCELLED', result: { response: { output: 'finished anyway' } } });
    expect(await world.deps.store.getRun('r1')).toMatchObject({ state: 'CANCELLED', turn: 0 });
    expect((await world.deps.store.listSteps('r1')).map((step) => step.stepId)).toEqual(['0-tool-0']);
  });

  it('ends a parked run at once', async () => {
    const world = createExecutorHarness();
    await world.seed({ runId: 'r1', state: 'WAITING', waitingReason: { code: 'AGENT_SUSPENDED', message: 'suspended' } }, []);
    await cancelRunNow(world.deps, { runId: 'r1' });
    const run = await world.deps.store.getRun('r1');
    expect(run).toMatchObject({ state: 'CANCELLED' });
    expect(run?.waitingReason).toBeUndefined();
  });

  it('changes nothing about a run that has ended, and refuses a run that does not exist', async () => {
    const world = createExecutorHarness();
    await world.seed({ runId: 'r1', state: 'SUCCEEDED', output: { text: 'done' } }, []);
    await cancelRunNow(world.deps, { runId: 'r1' });
    expect(await world.deps.store.getRun('r1')).toMatchObject({ state: 'SUCCEEDED', output: { text: 'done' } });
    await expect(cancelRunNow(world.deps, { runId: 'nope' })).rejects.toThrow('Run nope does not exist');
  });
});

describe('the run control topic', () => {
  let world: ReturnType<typeof createInMemoryWorld> | undefined;
  afterEach(() => world?.close());

  it('cancels a run mid-flight through a control message, and records a message for an unknown run as a rejection', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const model = new ScriptedModel([modelText('an answer that arrives after the cancel')]);
    world = createInMemoryWorld({
      model: {
        async generate(request) {
          await held;
          return model.generate(request);
        },
      },
    });
    const runId = world.submit({ agent: { configYaml: 'name: a\ninstruction: Hi.\n' }, input: 'hello' });
    await expect.poll(async () => (await world!.store.getRun(runId))?.llmCallCount).toBe(1);
    world.queue.publishRaw('run-control', Buffer.from(JSON.stringify({ schemaVersion: 1, runId, action: 'cancel', reason: 'stop' })));
    await expect.poll(async () => (await world!.store.getRun(runId))?.state).toBe('CANCELLED');
    release();
    await world.queue.idle();
    expect(await world.store.getRun(runId)).toMatchObject({ state: 'CANCELLED', llmCallCount: 1, llmCallsSucceeded: 0, error: { message: 'The run was cancelled: stop' } });

    const unknown = world.queue.publishRaw('run-control', Buffer.from(JSON.stringify({ schemaVersion: 1, runId: 'r-none', action: 'cancel' })));
    await world.queue.idle();
    expect(await world.store.getRejection(unknown)).toMatchObject({ code: 'NOT_FOUND', message: 'Run r-none does not exist' });
  });
});
