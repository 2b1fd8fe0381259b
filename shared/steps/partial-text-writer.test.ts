import { describe, expect, it } from 'vitest';
import { InMemoryRunStore } from '../adapters/in-memory/in-memory-run-store.ts';
import type { Step } from '../domain/step.ts';
import { sampleRun, sampleStep } from '../testing/run-fixtures.ts';
import { createPartialTextWriter } from './partial-text-writer.ts';

const logger = { debug() {}, info() {}, warn() {}, error() {} };

async function setUp(runState: 'RUNNING' | 'CANCELLED' = 'RUNNING') {
  const store = new InMemoryRunStore();
  const step: Step = { ...sampleStep('r1', '0-model-0'), state: 'RUNNING', attempt: 2 };
  await store.transact(async (tx) => {
    tx.createRun(sampleRun('r1', { state: runState, streamCount: 3 }));
    tx.createStep(step);
  });
  let now = 1_000;
  const clock = { now: () => now };
  return { store, step, clock, advance: (ms: number) => (now += ms) };
}

describe('partial model text', () => {
  it('writes at most one batch per interval however fast text comes, numbered after the run’s records, and the rest at the end', async () => {
    const { store, step, clock, advance } = await setUp();
    const writer = createPartialTextWriter({ store, clock, logger }, step, { intervalMs: 500 });
    writer.observer.onText('hello');
    writer.observer.onText(' world');
    writer.observer.onText('!');
    advance(500);
    writer.observer.onText('?');
    writer.observer.onText('tail');
    await writer.finish();
    const records = await store.listStream('r1', -1, 10);
    // Eleven characters waited before the interval passed: nothing was written until it had.
    expect(records.map((record) => [record.seq, record.data])).toEqual([
      [3, { text: 'hello world!?', attempt: 2, index: 0 }],
      [4, { text: 'tail', attempt: 2, index: 1 }],
    ]);
    expect((await store.getRun('r1'))!.streamCount).toBe(5);
  });

  it('writes nothing to an ended run, nor for an attempt that no longer owns its step', async () => {
    const ended = await setUp('CANCELLED');
    const toEnded = createPartialTextWriter({ store: ended.store, clock: ended.clock, logger }, ended.step, { intervalMs: 500 });
    toEnded.observer.onText('late');
    await toEnded.finish();
    expect(await ended.store.listStream('r1', -1, 10)).toEqual([]);

    const taken = await setUp();
    const superseded = createPartialTextWriter({ store: taken.store, clock: taken.clock, logger }, { ...taken.step, attempt: 1 }, { intervalMs: 500 });
    superseded.observer.onText('stale');
    await superseded.finish();
    expect(await taken.store.listStream('r1', -1, 10)).toEqual([]);
    expect((await taken.store.getRun('r1'))!.streamCount).toBe(3);
  });
});
