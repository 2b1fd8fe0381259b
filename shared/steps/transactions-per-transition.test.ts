import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RunStore } from '../ports/run-store.ts';
import { countOperations } from '../testing/counting-deps.ts';
import { zeroCounts } from '../testing/operation-counts.ts';
import { ScriptedModel, modelCalls, modelText } from '../testing/scripted-model.ts';
import type { Tool } from '../tools/tool.ts';
import { builtinTools } from '../tools/builtin-tools.ts';
import type { Deps } from '../engine/deps.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';

// The transactions a run costs, counted by the benchmark's counting decorator around the real
// in-memory store: a commit moves the run on, a claim marks an attempt RUNNING before its effect.

const agent = { configYaml: 'name: calc_agent\ninstruction: Use the calculator.\ntools: [calculator]\n', fileName: 'calc.yaml' };
const gateAgent = { configYaml: 'name: gate_agent\ninstruction: Use the gate.\ntools: [gate]\n', fileName: 'gate.yaml' };

/** A repeatable tool that answers only when the test opens its gate (named by its argument). */
function gatedTool(gates: Map<string, Gate>): Tool<{ name: string }> {
  return {
    name: 'gate',
    description: 'Waits for the test.',
    inputSchema: z.object({ name: z.string() }),
    repeatable: true,
    async execute({ name }) {
      await gates.get(name)!.promise;
      return { opened: name };
    },
  };
}

interface Gate {
  promise: Promise<void>;
  resolve(): void;
}

function gate(): Gate {
  let resolve = () => {};
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

let world: ReturnType<typeof createInMemoryWorld> | undefined;
afterEach(() => world?.close());

function start(model: ScriptedModel, options: { tools?: Tool[]; wrapStore?: (store: RunStore) => RunStore } = {}) {
  const counts = zeroCounts();
  const count = countOperations(counts);
  const decorate = (deps: Deps) => count(options.wrapStore ? { ...deps, store: options.wrapStore(deps.store) } : deps);
  world = createInMemoryWorld({ model, tools: options.tools ?? builtinTools, decorate });
  return { world, counts };
}

async function transitionsOf(store: RunStore, runId: string): Promise<number> {
  // One per step execution, plus the submission.
  return (await store.listSteps(runId)).length + 1;
}

async function joinOf(store: RunStore, runId: string, turn: number) {
  return store.transact((tx) => tx.getJoin(runId, turn));
}

describe('transactions per transition', () => {
  it('commits every transition of a one-call tool run in one transaction: the tool result with its join, the memory step without a read transaction', async () => {
    const model = new ScriptedModel([modelCalls([{ name: 'calculator', args: { expression: '6*7' } }]), modelText('42')]);
    const { world, counts } = start(model);
    const run = await world.waitForRun(world.submit({ agent, input: 'six times seven' }));
    expect(run.state).toBe('SUCCEEDED');
    expect(counts.commitTransactions).toBe(await transitionsOf(world.store, run.runId));
    expect(counts.otherTransactions).toBe(0);
    // The join record is still written (create-once), by the tool step's own commit.
    expect(await joinOf(world.store, run.runId, 0)).toMatchObject({ claimedBy: '0-tool-0', committed: true });
  });

  it('lets the last of parallel calls commit its result and the join in one transaction when the others finished first', async () => {
    const gates = new Map(['first', 'second'].map((name) => [name, gate()]));
    const calls = [
      { name: 'gate', args: { name: 'first' } },
      { name: 'gate', args: { name: 'second' } },
    ];
    const model = new ScriptedModel([modelCalls(calls), modelText('both open')]);
    const { world, counts } = start(model, { tools: [...builtinTools, gatedTool(gates)] });
    const runId = world.submit({ agent: gateAgent, input: 'open both' });
    gates.get('first')!.resolve();
    await waitUntil(async () => (await world.store.getSteps(runId, ['0-tool-0']))[0]?.state === 'SUCCEEDED');
    gates.get('second')!.resolve();
    const run = await world.waitForRun(runId);
    expect(run.state).toBe('SUCCEEDED');
    expect(model.requests[1]!.contents.at(-1)!.parts.map((part) => part.functionResponse?.response)).toEqual([
      { output: { opened: 'first' } },
      { output: { opened: 'second' } },
    ]);
    expect(counts.commitTransactions).toBe(await transitionsOf(world.store, run.runId));
    expect(await joinOf(world.store, run.runId, 0)).toMatchObject({ claimedBy: '0-tool-1', committed: true });
  });

  it('joins a turn exactly once, in its own transaction, when parallel calls finish together and each commits alone', async () => {
    const calls = [
      { name: 'calculator', args: { expression: '3*3' } },
      { name: 'calculator', args: { expression: '4*4' } },
    ];
    const model = new ScriptedModel([modelCalls(calls), modelText('9 and 16')]);
    // Holds each call's read of its sibling until both calls have made it: neither sees the other finished.
    const barrier = gate();
    let siblingReads = 0;
    const wrapStore = (store: RunStore): RunStore =>
      new Proxy(store, {
        get(target, property) {
          if (property !== 'getSteps') return Reflect.get(target, property, target).bind(target);
          return async (runId: string, stepIds: readonly string[]) => {
            const result = await target.getSteps(runId, stepIds);
            if (stepIds.length === 1 && stepIds[0]!.includes('-tool-') && ++siblingReads <= 2) {
              if (siblingReads === 2) barrier.resolve();
              await barrier.promise;
            }
            return result;
          };
        },
      });
    const { world, counts } = start(model, { wrapStore });
    const run = await world.waitForRun(world.submit({ agent, input: 'squares' }));
    expect(run.state).toBe('SUCCEEDED');
    expect(siblingReads).toBeGreaterThanOrEqual(2);
    expect(model.requests[1]!.contents.at(-1)!.parts.map((part) => part.functionResponse?.response)).toEqual([
      { output: { result: '9' } },
      { output: { result: '16' } },
    ]);
    expect(counts.commitTransactions).toBe((await transitionsOf(world.store, run.runId)) + 1);
    expect((await world.store.listSteps(run.runId)).filter((step) => step.kind === 'model')).toHaveLength(2);
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
