import { afterEach, describe, expect, it } from 'vitest';
import { newStep, type OutboxMessage, type OutboxTopic } from '../domain/step.ts';
import { TransientError } from '../domain/errors.ts';
import type { StepQueue } from '../ports/step-queue.ts';
import { countOperations } from '../testing/counting-deps.ts';
import { createExecutorHarness } from '../testing/executor-harness.ts';
import { zeroCounts } from '../testing/operation-counts.ts';
import { ScriptedModel, modelCalls, modelText } from '../testing/scripted-model.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';
import type { Deps } from './deps.ts';
import { sweep } from './sweep.ts';

const agent = { configYaml: 'name: calc_agent\ninstruction: Use the calculator.\ntools: [calculator]\n', fileName: 'calc.yaml' };

let world: ReturnType<typeof createInMemoryWorld> | undefined;
afterEach(() => {
  world?.close();
  world = undefined;
});

/**
 * A queue that loses the first message published on `topic`, as a process that died between its
 * commit and its publish does: the commit stands, and no delivery of it will ever come back.
 */
function losingFirst(topic: OutboxTopic, lost: OutboxMessage[] = []) {
  return (deps: Deps): Deps => {
    const queue: StepQueue = {
      async publish(messages) {
        const kept = messages.filter((message) => {
          if (message.topic !== topic || lost.some((seen) => seen.topic === topic)) return true;
          lost.push(message);
          return false;
        });
        await deps.queue.publish(kept);
      },
    };
    return { ...deps, queue };
  };
}

async function stillRunningAfter(ms: number, runId: string) {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (await world!.store.getRun(runId))?.state;
}

describe('the sweeper', () => {
  it('finishes a run whose step message was lost right after its commit and is never redelivered', async () => {
    const lost: OutboxMessage[] = [];
    const model = new ScriptedModel([modelCalls([{ name: 'calculator', args: { expression: '6*7' } }]), modelText('42')]);
    world = createInMemoryWorld({ model, decorate: losingFirst('tool', lost), settings: { sweep: { graceMs: 0, batchSize: 100, deletesExpired: false } } });
    const runId = world.submit({ agent, input: 'six times seven' });
    await expect.poll(() => lost.map((message) => message.stepId)).toEqual(['0-tool-0']);
    expect(await stillRunningAfter(50, runId)).toBe('RUNNING');

    const report = await sweep(world.deps);
    expect(report.stepsRedriven).toBe(1);
    expect(await world.waitForRun(runId)).toMatchObject({ state: 'SUCCEEDED', output: { text: '42' } });
    model.assertAllUsed();
  });

  it('publishes a run outcome whose process died between its commit and its publish, from its outbox entry, then deletes the entry', async () => {
    let dead = false;
    // The process dies in its first publish: nothing of that delivery happens afterwards.
    const dyingAtFirstPublish = (deps: Deps): Deps => ({
      ...deps,
      queue: {
        async publish(messages) {
          if (!dead) {
            dead = true;
            throw new Error('simulated crash: the process died before publishing');
          }
          await deps.queue.publish(messages);
        },
      },
    });
    const world = createExecutorHarness({ decorate: dyingAtFirstPublish, settings: { sweep: { graceMs: 0, batchSize: 100, deletesExpired: false } } });
    await world.seed({ runId: 'r1', turn: 1, eventCount: 2, next: { kind: 'memory' }, output: { text: 'hi' } }, [newStep('r1', '1-memory-0', world.clock.time)]);
    await expect(world.deliver('r1', '1-memory-0')).rejects.toThrow('simulated crash');
    expect(await world.deps.store.getRun('r1')).toMatchObject({ state: 'SUCCEEDED' });
    expect(world.published).toEqual([]);
    expect((await world.deps.outbox.listDue(Number.MAX_SAFE_INTEGER, 10)).map((entry) => entry.id)).toEqual(['results-r1']);

    expect((await sweep(world.deps)).outboxPublished).toBe(1);
    expect(world.published).toEqual([expect.objectContaining({ topic: 'results', id: 'results-r1', data: expect.objectContaining({ runId: 'r1', state: 'SUCCEEDED' }) })]);
    expect(await world.deps.outbox.listDue(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
  });

  it('re-drives a retry whose delayed message was lost with the process that held its timer', async () => {
    const model = new ScriptedModel([new TransientError('quota', { code: 'RESOURCE_EXHAUSTED', retryDelayMs: 10 }), modelText('ok')]);
    const noDelay = (deps: Deps): Deps => ({ ...deps, delayQueue: { schedule: async () => {} } });
    world = createInMemoryWorld({ model, decorate: noDelay, settings: { sweep: { graceMs: 0, batchSize: 100, deletesExpired: false } } });
    const runId = world.submit({ agent, input: 'hi' });
    await expect.poll(async () => (await world!.store.getSteps(runId, ['0-model-0']))[0]?.retryTime).toBeDefined();
    expect(await stillRunningAfter(50, runId)).toBe('RUNNING');
    await sweep(world.deps);
    expect(await world.waitForRun(runId)).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 2 });
  });

  it('takes over a step whose lease holder died with no delivery left, once the lease has ended', async () => {
    const world = createExecutorHarness({ model: new ScriptedModel([modelText('done')]), settings: { sweep: { graceMs: 1_000, batchSize: 100, deletesExpired: false } } });
    const now = world.clock.time;
    await world.seed({ runId: 'r1', eventCount: 0 }, [{ ...newStep('r1', '0-model-0', now), state: 'RUNNING', attempt: 1, leaseExpireTime: now + 5_000, dueTime: now + 5_000 }]);
    expect((await sweep(world.deps)).stepsRedriven).toBe(0);
    world.clock.time = now + 5_000 + 1_000;
    expect((await sweep(world.deps)).stepsRedriven).toBe(1);
    expect(world.published.map((message) => message.stepId)).toEqual(['0-model-0']);
    // Marked re-driven: the next sweep gives the new message a grace period.
    expect((await sweep(world.deps)).stepsRedriven).toBe(0);
    await world.deliver('r1', '0-model-0');
    expect(await world.step('r1', '0-model-0')).toMatchObject({ state: 'SUCCEEDED', attempt: 2, redrives: 1 });
  });

  it('leaves a finished parallel call alone while a sibling waits for a long remote task, instead of re-driving it every sweep', async () => {
    const world = createExecutorHarness({ settings: { sweep: { graceMs: 60_000, batchSize: 100, deletesExpired: false } } });
    const now = world.clock.time;
    const call = (index: number) => newStep('r1', `0-tool-${index}`, now, { functionCall: { name: 'calculator', args: { expression: `${index}+1` } }, callCount: 2 });
    const waiting = { ...call(1), attempt: 1, retryTime: now + 3_600_000, dueTime: now + 3_600_000, remoteTask: { taskId: 't', startTime: now } };
    await world.seed({ runId: 'r1', next: { kind: 'tools', calls: [{ name: 'calculator', args: {} }, { name: 'calculator', args: {} }] } }, [call(0), waiting]);
    await world.deliver('r1', '0-tool-0');
    expect(await world.step('r1', '0-tool-0')).toMatchObject({ state: 'SUCCEEDED', dueTime: now + 3_600_000 });
    world.clock.time = now + 30 * 60_000;
    expect((await sweep(world.deps)).stepsRedriven).toBe(0);
  });

  it('ends a parked run whose deadline has passed, CANCELLED with DEADLINE_EXCEEDED', async () => {
    const world = createExecutorHarness();
    const now = world.clock.time;
    await world.seed({ runId: 'r1', state: 'WAITING', waitingReason: { code: 'AGENT_SUSPENDED', message: 'suspended' }, deadlineTime: now + 60_000 }, []);
    expect((await sweep(world.deps)).runsPastDeadline).toBe(0);
    world.clock.time = now + 60_000;
    expect((await sweep(world.deps)).runsPastDeadline).toBe(1);
    expect(await world.deps.store.getRun('r1')).toMatchObject({ state: 'CANCELLED', error: { code: 'DEADLINE_EXCEEDED' } });
    expect((await world.deps.store.getRun('r1'))?.waitingReason).toBeUndefined();
  });

  it('reads only what is due: nothing but its three empty queries when finished runs with parallel calls abound', async () => {
    const counts = zeroCounts();
    const parallel = () => modelCalls([{ name: 'calculator', args: { expression: '1+1' } }, { name: 'calculator', args: { expression: '2+2' } }]);
    const replies = Array.from({ length: 10 }, () => [parallel(), modelText('ok')]).flat();
    world = createInMemoryWorld({ model: new ScriptedModel(replies), decorate: countOperations(counts), settings: { sweep: { graceMs: 0, batchSize: 100, deletesExpired: false } } });
    for (let index = 0; index < 10; index++) await world.waitForRun(world.submit({ agent, input: `run ${index}` }));
    const before = counts.documentReads;
    await sweep({ ...world.deps, store: countOperations(counts)(world.deps).store, outbox: countOperations(counts)(world.deps).outbox });
    expect(counts.documentReads - before).toBe(3);
  });

  it('deletes expired run data only where it is asked to (the emulator has no TTL policies)', async () => {
    const world = createExecutorHarness({ settings: { sweep: { graceMs: 1_000, batchSize: 100, deletesExpired: true } } });
    await world.seed({ runId: 'r1', state: 'SUCCEEDED', endTime: world.clock.time }, []);
    world.clock.time += 40 * 86_400_000;
    expect((await sweep(world.deps)).expiredDeleted).toBe(1);
    expect(await world.deps.store.getRun('r1')).toBeUndefined();
  });
});
