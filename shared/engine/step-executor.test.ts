import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TransientError } from '../domain/errors.ts';
import type { ModelClient } from '../ports/model-client.ts';
import type { RunStore } from '../ports/run-store.ts';
import type { Deps } from './deps.ts';
import { claimAttempt } from '../domain/step-attempt.ts';
import { newStep, type Step } from '../domain/step.ts';
import { createExecutorHarness } from '../testing/executor-harness.ts';
import { createLedgerTool, Ledger } from '../testing/ledger.ts';
import { ScriptedModel, modelCalls, modelText } from '../testing/scripted-model.ts';
import { builtinTools } from '../tools/builtin-tools.ts';
import type { Tool } from '../tools/tool.ts';
import { cancelRunNow } from '../steps/handle-run-control.ts';

const toolCall = (name: string, args: Record<string, unknown> = {}) => ({ functionCall: { name, args }, callCount: 1 });

/** A step as the claim of `attempt` left it: RUNNING, leased until `leaseEnd`. */
function running(step: Step, attempt: number, now: number, leaseMs: number): Step {
  return { ...claimAttempt({ ...step, attempt: attempt - 1 }, now, leaseMs) };
}

describe('the step executor, on deliveries that must not spend delivery attempts', () => {
  it('acknowledges a duplicate that meets a live lease and re-checks the step when the lease ends', async () => {
    const world = createExecutorHarness();
    const now = world.clock.time;
    await world.seed({ runId: 'r1', llmCallCount: 1 }, [running(newStep('r1', '0-model-0', now), 1, now, 60_000)]);
    await expect(world.deliver('r1', '0-model-0')).resolves.toBeUndefined();
    expect(world.scheduled).toEqual([{ message: expect.objectContaining({ stepId: '0-model-0' }), delayMs: 60_500, key: 'r1-0-model-0-1-lease' }]);
    expect((await world.deps.store.getRun('r1'))?.llmCallCount).toBe(1);
  });

  it('schedules the delayed redelivery again, under the same key, when the retry is far off', async () => {
    const world = createExecutorHarness();
    const now = world.clock.time;
    await world.seed({ runId: 'r1', llmCallCount: 1 }, [{ ...newStep('r1', '0-model-0', now), attempt: 1, retryTime: now + 30_000, dueTime: now + 30_000 }]);
    await world.deliver('r1', '0-model-0');
    expect(world.scheduled).toEqual([{ message: expect.objectContaining({ topic: 'model', stepId: '0-model-0' }), delayMs: 30_000, key: 'r1-0-model-0-1' }]);
    expect((await world.deps.store.getRun('r1'))?.llmCallCount).toBe(1);
  });

  it('waits out a retry that is nearly due in the process and then claims the step, instead of spending a delivery attempt or a delay-queue key', async () => {
    const world = createExecutorHarness({ model: new ScriptedModel([modelText('ok')]) });
    world.clock.now = () => Date.now();
    const now = Date.now();
    await world.seed({ runId: 'r1', llmCallCount: 1, eventCount: 0 }, [{ ...newStep('r1', '0-model-0', now), attempt: 1, retryTime: now + 50, dueTime: now + 50 }]);
    await world.deliver('r1', '0-model-0');
    expect(world.scheduled).toEqual([]);
    expect(await world.step('r1', '0-model-0')).toMatchObject({ state: 'SUCCEEDED', attempt: 2 });
    expect(await world.deps.store.getRun('r1')).toMatchObject({ llmCallCount: 2 });
  });
});

describe('the step executor, on runs that ended', () => {
  it('changes nothing when a model answer commits after the run was failed by the dead-letter consumer, and keeps the request counted', async () => {
    let world: ReturnType<typeof createExecutorHarness>;
    const model = new ScriptedModel([
      () => {
        // While the request is in flight, the dead-letter consumer fails the run.
        void world.handlers.deadLetter({ messageId: 'dl', data: Buffer.from(JSON.stringify({ schemaVersion: 1, runId: 'r1', stepId: '0-model-0', kind: 'model' })), attributes: {}, source: 'dl' });
        return modelText('too late');
      },
    ]);
    world = createExecutorHarness({ model });
    await world.seed({ runId: 'r1', eventCount: 0 }, [newStep('r1', '0-model-0', world.clock.time)]);
    await world.deliver('r1', '0-model-0');
    const run = await world.deps.store.getRun('r1');
    expect(run).toMatchObject({ state: 'FAILED', error: { code: 'DEAD_LETTERED' }, llmCallCount: 1, llmCallsSucceeded: 0, eventCount: 0 });
    expect(run?.output).toBeUndefined();
    expect(await world.deps.store.listEvents('r1')).toEqual([]);
    expect(await world.step('r1', '0-model-0')).toMatchObject({ state: 'FAILED', lastError: { code: 'DEAD_LETTERED' } });
  });

  it('closes the step of a model request that answered after the run was cancelled, recording the answer on the step only', async () => {
    let world: ReturnType<typeof createExecutorHarness>;
    const model: ModelClient = {
      async generate() {
        await cancelRunNow(world.deps, { runId: 'r1', reason: 'changed my mind' });
        return modelText('too late', { totalTokenCount: 7 });
      },
    };
    world = createExecutorHarness({ model });
    await world.seed({ runId: 'r1', eventCount: 0 }, [newStep('r1', '0-model-0', world.clock.time)]);
    await world.deliver('r1', '0-model-0');
    expect(await world.deps.store.getRun('r1')).toMatchObject({ state: 'CANCELLED', llmCallCount: 1, llmCallsSucceeded: 0, usage: {} });
    expect(await world.step('r1', '0-model-0')).toMatchObject({ state: 'CANCELLED', lastError: { code: 'RUN_ENDED' }, result: { usage: { totalTokenCount: 7 } } });
    expect((await world.step('r1', '0-model-0')).dueTime).toBeUndefined();
  });

  it('starts no tool call for a run that ended just before the claim transaction, reading the run in the claim itself', async () => {
    let executions = 0;
    const counted: Tool = { ...builtinTools.find((tool) => tool.name === 'calculator')!, execute: async () => ++executions };
    let cancelled = false;
    // The run is cancelled after anything the delivery read before its claim, and before the claim commits.
    const cancelBeforeFirstTransaction = (deps: Deps): Deps => {
      const transact: RunStore['transact'] = async (work) => {
        if (!cancelled) {
          cancelled = true;
          await cancelRunNow(deps, { runId: 'r1' });
        }
        return deps.store.transact(work);
      };
      const store = new Proxy(deps.store, {
        get: (target, property) => (property === 'transact' ? transact : (Reflect.get(target, property, target) as () => unknown).bind(target)),
      });
      return { ...deps, store };
    };
    const world = createExecutorHarness({ tools: [counted], decorate: cancelBeforeFirstTransaction });
    await world.seed({ runId: 'r1' }, [newStep('r1', '0-tool-0', world.clock.time, toolCall('calculator', { expression: '1+1' }))]);
    await world.deliver('r1', '0-tool-0');
    expect(executions).toBe(0);
    expect(await world.step('r1', '0-tool-0')).toMatchObject({ state: 'CANCELLED', lastError: { code: 'RUN_ENDED' } });
    expect(world.published.map((message) => message.topic)).toEqual(['results']);
  });

  it('settles the outstanding intent of a non-repeatable call whose run ended, without performing it again', async () => {
    const ledger = new Ledger();
    const world = createExecutorHarness({ tools: [createLedgerTool(ledger)] });
    const now = world.clock.time;
    // An attempt wrote its intent, booked, and died before its commit; then the run was cancelled.
    await ledger.book('r1/0-tool-0', 'acct', 5);
    const step = { ...newStep('r1', '0-tool-0', now, toolCall('book_payment', { account: 'acct', amount: 5 })), attempt: 1, intent: { key: 'r1/0-tool-0', attempt: 1, createTime: now } };
    await world.seed({ runId: 'r1', state: 'CANCELLED' }, [step], ['book_payment']);
    await world.deliver('r1', '0-tool-0');
    expect(ledger.entries).toHaveLength(1);
    expect(await world.step('r1', '0-tool-0')).toMatchObject({
      state: 'CANCELLED',
      result: { response: { output: { status: 'booked', account: 'acct', amount: 5 }, settledAfterRunEnded: true } },
    });
  });

  it('settles the outstanding intent of a non-repeatable call whose run passed its deadline, ending the run first', async () => {
    const ledger = new Ledger();
    const world = createExecutorHarness({ tools: [createLedgerTool(ledger)] });
    const now = world.clock.time;
    const step = { ...newStep('r1', '0-tool-0', now, toolCall('book_payment', { account: 'acct', amount: 5 })), attempt: 1, intent: { key: 'r1/0-tool-0', attempt: 1, createTime: now } };
    await world.seed({ runId: 'r1', deadlineTime: now - 1 }, [step], ['book_payment']);
    await world.deliver('r1', '0-tool-0');
    expect(ledger.entries).toHaveLength(0);
    expect(await world.deps.store.getRun('r1')).toMatchObject({ state: 'CANCELLED', error: { code: 'DEADLINE_EXCEEDED' } });
    expect(await world.step('r1', '0-tool-0')).toMatchObject({ state: 'CANCELLED', result: { response: { error: 'Not performed: the run ended first', settledAfterRunEnded: true } } });
  });

  it('leaves a dead-lettered call with an unsettled intent open for settling, and closes it on its second dead letter', async () => {
    const world = createExecutorHarness();
    const now = world.clock.time;
    const step = { ...newStep('r1', '0-tool-0', now, toolCall('calculator')), state: 'RUNNING' as const, attempt: 3, leaseExpireTime: now, dueTime: now, intent: { key: 'r1/0-tool-0', attempt: 1, createTime: now } };
    await world.seed({ runId: 'r1' }, [step]);
    const deadLetter = () =>
      world.handlers.deadLetter({ messageId: 'dl', data: Buffer.from(JSON.stringify({ schemaVersion: 1, runId: 'r1', stepId: '0-tool-0', kind: 'tool' })), attributes: {}, source: 'dl' });
    await deadLetter();
    expect(await world.deps.store.getRun('r1')).toMatchObject({ state: 'FAILED', error: { code: 'DEAD_LETTERED' } });
    expect(await world.step('r1', '0-tool-0')).toMatchObject({ state: 'RUNNING', dueTime: now });
    await deadLetter();
    expect(await world.step('r1', '0-tool-0')).toMatchObject({ state: 'CANCELLED', lastError: { code: 'RUN_ENDED' } });
  });

  it('ends a run past its deadline at its next claim, CANCELLED with DEADLINE_EXCEEDED, without calling the model', async () => {
    const world = createExecutorHarness({ model: new ScriptedModel([]) });
    await world.seed({ runId: 'r1', deadlineTime: world.clock.time - 1 }, [newStep('r1', '0-model-0', world.clock.time)]);
    await world.deliver('r1', '0-model-0');
    expect(await world.deps.store.getRun('r1')).toMatchObject({ state: 'CANCELLED', llmCallCount: 0, error: { code: 'DEADLINE_EXCEEDED' } });
    expect(world.published.map((message) => message.topic)).toEqual(['results']);
  });
});

describe('the step executor, on attempts that die or cannot commit', () => {
  it('counts an attempt that died holding its lease as a failure, and after as many as allowed commits the tool error without calling the tool again', async () => {
    let calls = 0;
    const counted: Tool = { ...builtinTools.find((tool) => tool.name === 'calculator')!, execute: async () => ++calls };
    const world = createExecutorHarness({ tools: [counted], settings: { maxToolAttempts: 3 } });
    const now = world.clock.time;
    const dying = (failedAttempts: number) => ({
      ...newStep('r1', '0-tool-0', now, toolCall('calculator', { expression: '1+1' })),
      state: 'RUNNING' as const,
      attempt: failedAttempts + 1,
      failedAttempts,
      leaseExpireTime: now - 1,
      dueTime: now - 1,
    });
    await world.seed({ runId: 'r1', next: { kind: 'tools', calls: [{ name: 'calculator', args: {} }] } }, [dying(2)]);
    await world.deliver('r1', '0-tool-0');
    expect(calls).toBe(0);
    expect(await world.step('r1', '0-tool-0')).toMatchObject({
      state: 'SUCCEEDED',
      failedAttempts: 3,
      result: { response: { error: expect.stringMatching(/failed 3 times in a row; the last error: 3 attempts of step 0-tool-0 in a row did not finish within their lease/) } },
    });
    expect(await world.deps.store.getRun('r1')).toMatchObject({ state: 'RUNNING', turn: 1 });
  });

  it('fails a model step whose attempts keep dying without reserving another LLM call', async () => {
    const world = createExecutorHarness({ settings: { maxModelAttempts: 2 } });
    const now = world.clock.time;
    await world.seed({ runId: 'r1', llmCallCount: 2 }, [{ ...newStep('r1', '0-model-0', now), state: 'RUNNING', attempt: 2, failedAttempts: 1, leaseExpireTime: now - 1, dueTime: now - 1 }]);
    await world.deliver('r1', '0-model-0');
    expect(await world.deps.store.getRun('r1')).toMatchObject({ state: 'FAILED', llmCallCount: 2, error: { code: 'ATTEMPTS_DIED' } });
  });

  it('commits an outcome again in the process when its commit fails transiently, without repeating the effect', async () => {
    let calls = 0;
    const counted: Tool = { ...builtinTools.find((tool) => tool.name === 'calculator')!, execute: async () => ++calls };
    let failures = 0;
    // The store refuses the first commit of the call (its second transaction) once, as contention would.
    const contended = (deps: Deps): Deps => {
      let transactions = 0;
      const transact: RunStore['transact'] = async (work) => {
        if (++transactions === 2 && failures++ === 0) throw new TransientError('Firestore: ABORTED (contention)', { code: 'FIRESTORE_UNAVAILABLE' });
        return deps.store.transact(work);
      };
      const store = new Proxy(deps.store, { get: (target, property) => (property === 'transact' ? transact : (Reflect.get(target, property, target) as () => unknown).bind(target)) });
      return { ...deps, store };
    };
    const world = createExecutorHarness({ tools: [counted], decorate: contended });
    await world.seed({ runId: 'r1', next: { kind: 'tools', calls: [{ name: 'calculator', args: {} }] } }, [newStep('r1', '0-tool-0', world.clock.time, toolCall('calculator', { expression: '1+1' }))]);
    await world.deliver('r1', '0-tool-0');
    expect([calls, failures]).toEqual([1, 1]);
    expect(await world.step('r1', '0-tool-0')).toMatchObject({ state: 'SUCCEEDED', attempt: 1 });
  });

  it('releases the attempt and throws for redelivery when an outcome cannot be committed at all', async () => {
    const failingCommit = (deps: Deps): Deps => {
      let transactions = 0;
      const transact: RunStore['transact'] = async (work) => {
        if (++transactions === 2) throw new Error('INVALID_ARGUMENT: the document is too large');
        return deps.store.transact(work);
      };
      const store = new Proxy(deps.store, { get: (target, property) => (property === 'transact' ? transact : (Reflect.get(target, property, target) as () => unknown).bind(target)) });
      return { ...deps, store };
    };
    const world = createExecutorHarness({ decorate: failingCommit });
    await world.seed({ runId: 'r1', next: { kind: 'tools', calls: [{ name: 'calculator', args: {} }] } }, [newStep('r1', '0-tool-0', world.clock.time, toolCall('calculator', { expression: '1+1' }))]);
    await expect(world.deliver('r1', '0-tool-0')).rejects.toThrow('document is too large');
    expect(await world.step('r1', '0-tool-0')).toMatchObject({ state: 'PENDING', lastError: { code: 'ATTEMPT_FAILED' } });
  });

  it('does not count a store failure while preparing a model request as a failed request', async () => {
    const unreadable = (deps: Deps): Deps => {
      const store = new Proxy(deps.store, {
        get: (target, property) =>
          property === 'getConversation'
            ? async () => Promise.reject(new TransientError('Firestore: UNAVAILABLE', { code: 'FIRESTORE_UNAVAILABLE' }))
            : (Reflect.get(target, property, target) as () => unknown).bind(target),
      });
      return { ...deps, store };
    };
    const world = createExecutorHarness({ decorate: unreadable, settings: { maxModelAttempts: 1 } });
    await world.seed({ runId: 'r1', eventCount: 0 }, [newStep('r1', '0-model-0', world.clock.time)]);
    await expect(world.deliver('r1', '0-model-0')).rejects.toThrow(/Could not read the conversation/);
    expect(await world.deps.store.getRun('r1')).toMatchObject({ state: 'RUNNING' });
    const step = await world.step('r1', '0-model-0');
    expect(step).toMatchObject({ state: 'PENDING', lastError: { code: 'ATTEMPT_FAILED' } });
    expect(step.failedAttempts).toBeUndefined();
  });

  it('gives the model a tool error instead of a result too large to record', async () => {
    const huge: Tool<Record<string, never>> = { name: 'huge', description: 'Says a lot.', inputSchema: z.object({}), repeatable: true, execute: async () => 'x'.repeat(500_000) };
    const world = createExecutorHarness({ tools: [huge as Tool] });
    await world.seed({ runId: 'r1', next: { kind: 'tools', calls: [{ name: 'huge', args: {} }] } }, [newStep('r1', '0-tool-0', world.clock.time, toolCall('huge'))], ['huge']);
    await world.deliver('r1', '0-tool-0');
    expect(await world.step('r1', '0-tool-0')).toMatchObject({ result: { response: { error: expect.stringMatching(/^huge completed, but its result is 500\d{3} bytes of JSON, over the 400000-byte limit/) } } });
  });
});

describe('the step executor, on a turn whose join was left undone', () => {
  it('joins on the redelivery of a call whose sibling claimed the join and died before making it', async () => {
    const world = createExecutorHarness();
    const now = world.clock.time;
    const finishedCall = (index: number) => ({
      ...newStep('r1', `0-tool-${index}`, now, { functionCall: { name: 'calculator', args: { expression: `${index}+1` } }, callCount: 2 }),
      state: 'SUCCEEDED' as const,
      attempt: 1,
      result: { response: { output: { result: String(index + 1) } }, durationMs: 1 },
      dueTime: now,
    });
    await world.seed({ runId: 'r1', eventCount: 0, next: { kind: 'tools', calls: [{ name: 'calculator', args: {} }, { name: 'calculator', args: {} }] } }, [finishedCall(0), finishedCall(1)]);
    await world.deps.store.claimJoin('r1', 0, '0-tool-1', now);
    await world.deliver('r1', '0-tool-0');
    expect(await world.deps.store.getRun('r1')).toMatchObject({ turn: 1, next: { kind: 'model' } });
    expect((await world.deps.store.listSteps('r1')).map((step) => [step.stepId, step.dueTime === undefined ? 'settled' : 'owed'])).toEqual([
      ['0-tool-0', 'settled'],
      ['0-tool-1', 'settled'],
      ['1-model-0', 'owed'],
    ]);
  });
});

describe('the step executor, on failing effects', () => {
  it('answers the model with a tool error, naming the last error, after the tool failed transiently as many times in a row as allowed', async () => {
    let calls = 0;
    const flaky: Tool<{ sku: string }> = {
      name: 'inventory_lookup',
      description: 'Looks up stock.',
      inputSchema: z.object({ sku: z.string() }),
      repeatable: true,
      execute: async () => {
        throw new TransientError(`inventory service unavailable (503), call ${++calls}`);
      },
    };
    const world = createExecutorHarness({ tools: [flaky as Tool], settings: { maxToolAttempts: 3 } });
    await world.seed({ runId: 'r1', turn: 0, eventCount: 0, next: { kind: 'tools', calls: [{ name: 'inventory_lookup', args: { sku: 'A' } }] } }, [
      newStep('r1', '0-tool-0', world.clock.time, toolCall('inventory_lookup', { sku: 'A' })),
    ], ['inventory_lookup']);
    for (let delivery = 0; delivery < 3; delivery++) {
      await world.deliver('r1', '0-tool-0');
      world.clock.time += 120_000; // past any backoff
    }
    expect(calls).toBe(3);
    expect(world.scheduled).toHaveLength(2);
    const step = await world.step('r1', '0-tool-0');
    expect(step).toMatchObject({ state: 'SUCCEEDED', result: { response: { error: 'Tool inventory_lookup failed 3 times in a row; the last error: inventory service unavailable (503), call 3' } } });
    expect(await world.deps.store.getRun('r1')).toMatchObject({ state: 'RUNNING', turn: 1, next: { kind: 'model' } });
  });

  it('fails the run with the model error once the model failed transiently as many times in a row as allowed', async () => {
    const overloaded = () => new TransientError('model overloaded (503)');
    const world = createExecutorHarness({ model: new ScriptedModel([overloaded(), overloaded()]), settings: { maxModelAttempts: 2 } });
    await world.seed({ runId: 'r1', eventCount: 0 }, [newStep('r1', '0-model-0', world.clock.time)]);
    await world.deliver('r1', '0-model-0');
    world.clock.time += 120_000;
    await world.deliver('r1', '0-model-0');
    expect(await world.deps.store.getRun('r1')).toMatchObject({
      state: 'FAILED',
      llmCallCount: 2,
      error: { code: 'UNAVAILABLE', message: 'Model request failed after 2 attempts: model overloaded (503)' },
    });
  });

  it('lets the next delivery take over at once when an effect throws an unexpected error, and rethrows it for redelivery', async () => {
    const world = createExecutorHarness({ model: new ScriptedModel([new Error('bug'), modelCalls([{ name: 'calculator', args: { expression: '1+1' } }])]) });
    await world.seed({ runId: 'r1', eventCount: 0 }, [newStep('r1', '0-model-0', world.clock.time)]);
    await expect(world.deliver('r1', '0-model-0')).rejects.toThrow('bug');
    expect(await world.step('r1', '0-model-0')).toMatchObject({ state: 'PENDING', attempt: 1, lastError: { code: 'ATTEMPT_FAILED', message: 'bug' } });
  });
});
