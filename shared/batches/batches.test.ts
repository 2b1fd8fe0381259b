import { describe, expect, it } from 'vitest';
import { readBatchSource } from '../adapters/batch-source/read-batch-source.ts';
import { TransientError } from '../domain/errors.ts';
import { sweep } from '../engine/sweep.ts';
import type { ModelClient, ModelRequest } from '../ports/model-client.ts';
import { createApiHandlersOverWorld, tokenOverWorld } from '../testing/agents-api-over-world.ts';
import { callApi } from '../testing/call-api.ts';
import { modelText } from '../testing/scripted-model.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';
import { createBatchHandlers } from '../wiring/create-api-handlers.ts';
import { InMemoryBatchStore } from '../adapters/in-memory/in-memory-batch-store.ts';

const agent = { configYaml: 'name: echo\ninstruction: Echo the item.\n', fileName: 'echo.yaml' };

/** A model that answers each item after a moment, counting the requests in flight at once; `hold` keeps them until released. */
function trackingModel(options: { hold?: boolean } = {}) {
  let inFlight = 0;
  const held: (() => void)[] = [];
  const model = {
    maxInFlight: 0,
    inputs: [] as string[],
    get inFlight() {
      return inFlight;
    },
    release: () => held.splice(0).forEach((resume) => resume()),
    async generate(request: ModelRequest) {
      inFlight += 1;
      model.maxInFlight = Math.max(model.maxInFlight, inFlight);
      const text = request.contents.at(-1)?.parts.map((part) => ('text' in part ? part.text : '')).join('') ?? '';
      model.inputs.push(text);
      await new Promise<void>((resolve) => (options.hold ? held.push(resolve) : setTimeout(resolve, Math.random() * 3)));
      inFlight -= 1;
      return modelText(`done: ${text}`, { promptTokenCount: 7, candidatesTokenCount: 3, totalTokenCount: 10 });
    },
  } satisfies ModelClient & Record<string, unknown>;
  return model;
}

function start(model: ModelClient, readSource: typeof readBatchSource = readBatchSource) {
  const world = createInMemoryWorld({ model });
  const api = createApiHandlersOverWorld(world);
  // The batch workers as deployed, over the world's database and queue (with the source read through `readSource`).
  const workers = createBatchHandlers({ batches: new InMemoryBatchStore(world.documents), store: world.store, queue: world.queue, outbox: world.outbox, clock: { now: () => Date.now() }, logger: world.deps.logger }, readSource);
  world.queue.subscribe('batch-fan-out', workers.fanOutBatch);
  world.queue.subscribe('batch-item', workers.advanceBatch);
  const call = async (method: string, path: string, body?: unknown, query: Record<string, string> = {}) => {
    const answer = await callApi(api.api, { method, path: `/v1/${path}`, query, authorization: `Bearer ${await tokenOverWorld('ada')}`, body });
    if (answer.status !== 200) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as Record<string, any>;
  };
  const report = async (name: string) => {
    const lines: Record<string, any>[] = [];
    let pageToken: string | undefined;
    let last: Record<string, any>;
    do {
      last = await call('GET', `${name}/report`, undefined, { pageSize: '100', ...(pageToken ? { pageToken } : {}) });
      lines.push(...last['items']);
      pageToken = last['nextPageToken'];
    } while (pageToken);
    return { lines, totals: last['totals'], state: last['state'] };
  };
  return { world, call, report };
}

const items = (count: number) => Array.from({ length: count }, (_, n) => ({ n }));

describe('batches', () => {
  it('runs 500 items with concurrency 20: never more than 20 at once, every item exactly once, the report complete', async () => {
    const model = trackingModel();
    const { world, call, report } = start(model);
    const batch = await call('POST', 'batches', { agent, items: items(500), inputTemplate: 'Item {{ n }}', concurrency: 20 }, { requestId: 'b-500' });
    await world.queue.idle();
    expect(model.maxInFlight).toBeLessThanOrEqual(20);
    expect(model.maxInFlight).toBeGreaterThan(1);
    expect([...model.inputs].sort()).toEqual(items(500).map(({ n }) => `Item ${n}`).sort());
    const done = await call('GET', batch['name']);
    expect(done).toMatchObject({ state: 'SUCCEEDED', itemCount: 500, counts: { queued: 0, running: 0, succeeded: 500, failed: 0, cancelled: 0 } });
    const { lines, totals } = await report(batch['name']);
    expect(lines.map((line) => line['index'])).toEqual(items(500).map(({ n }) => n));
    expect(new Set(lines.map((line) => line['run'])).size).toBe(500);
    expect(lines[7]).toMatchObject({ state: 'SUCCEEDED', input: 'Item 7', output: 'done: Item 7', usage: { totalTokenCount: 10, modelRequests: 1 } });
    expect(totals).toMatchObject({ succeeded: 500, failed: 0, cancelled: 0, totalTokenCount: 5_000, promptTokenCount: 3_500, candidatesTokenCount: 1_500, modelRequests: 500, estimatedCostUsd: 0.00480 });
    expect(world.queue.published.filter((message) => message.topic === 'results').map((message) => JSON.parse(message.data.toString())).filter((data) => data.batch)).toEqual([
      expect.objectContaining({ batch: expect.objectContaining({ name: batch['name'], state: 'SUCCEEDED' }) }),
    ]);
  });

  it('creates one batch per requestId, and records an item that cannot become a run as FAILED without stopping the rest', async () => {
    const model = trackingModel();
    const { world, call, report } = start(model);
    const body = { agent, items: [{ n: 1 }, { other: true }, { n: 3 }], inputTemplate: 'Item {{ n }}', concurrency: 2 };
    const first = await call('POST', 'batches', body, { requestId: 'same' });
    expect(await call('POST', 'batches', body, { requestId: 'same' })).toMatchObject({ name: first['name'] });
    await world.queue.idle();
    const { lines, totals } = await report(first['name']);
    expect(lines.map((line) => line['state'])).toEqual(['SUCCEEDED', 'FAILED', 'SUCCEEDED']);
    expect(lines[1]).toMatchObject({ error: { code: 'INVALID_ITEM', message: 'item 1: {{ n }} is missing' } });
    expect(totals).toMatchObject({ succeeded: 2, failed: 1, modelRequests: 2 });
    expect(model.inputs).toHaveLength(2);
  });

  it('cancelled mid-way starts no new item and ends the running ones as cancelled', async () => {
    const model = trackingModel({ hold: true });
    const { world, call, report } = start(model);
    const batch = await call('POST', 'batches', { agent, items: items(100), inputTemplate: 'Item {{ n }}', concurrency: 5 });
    await expect.poll(() => model.inFlight).toBe(5);
    expect((await call('POST', `${batch['name']}:cancel`)).state).toMatch(/^CANCELL/);
    model.release();
    await world.queue.idle();
    expect(model.inputs).toHaveLength(5);
    const ended = await call('GET', batch['name']);
    expect(ended).toMatchObject({ state: 'CANCELLED', counts: { queued: 0, running: 0, succeeded: 0, cancelled: 100 } });
    const { lines } = await report(batch['name']);
    expect(lines.filter((line) => line['run'])).toHaveLength(5);
    expect(lines.every((line) => line['state'] === 'CANCELLED')).toBe(true);
  });

  it('re-driven after its fan-out crashed before and after committing a chunk, starts no item twice and misses none', async () => {
    const model = trackingModel();
    // Reading the third chunk fails once: a crash before its commit, redelivered.
    let reads = 0;
    const crashingRead: typeof readBatchSource = async (...args) => {
      if (++reads === 3) throw new TransientError('fan-out killed while reading');
      return readBatchSource(...args);
    };
    const { world, call, report } = start(model, crashingRead);
    // The publish after the second chunk's commit is lost (a crash after the commit): that
    // chunk's runs and the next chunk's message wait in the outbox for the sweeper.
    let fanOutPublishes = 0;
    const publish = world.queue.publish.bind(world.queue);
    world.queue.publish = async (messages) => {
      if (messages.some((message) => message.topic === 'batch-fan-out') && ++fanOutPublishes === 2) throw new TransientError('fan-out killed before publishing');
      return publish(messages);
    };
    const batch = await call('POST', 'batches', { agent, items: items(700), inputTemplate: 'Item {{ n }}', concurrency: 30 });
    await world.queue.idle();
    expect((await call('GET', batch['name'])).state).toBe('RUNNING');
    await sweep(world.deps, { recoverAll: true });
    await world.queue.idle();
    expect(reads).toBeGreaterThan(4);
    const { lines, state } = await report(batch['name']);
    expect(state).toBe('SUCCEEDED');
    expect(lines.map((line) => line['index'])).toEqual(items(700).map(({ n }) => n));
    expect(lines.every((line) => line['state'] === 'SUCCEEDED')).toBe(true);
    expect(model.inputs).toHaveLength(700);
    expect(new Set(model.inputs).size).toBe(700);
  });

  it('refuses a requestId that would name what a batch, schedule or trigger starts', async () => {
    const { call } = start(trackingModel());
    await expect(call('POST', 'batches', { agent, items: ['a'] }, { requestId: 'schedule:1234' })).rejects.toThrow(/400.*requestId may not start with batch:, schedule: or trigger:/);
    await expect(call('POST', 'runs', { agent, input: 'hi' }, { requestId: 'batch:b1:0' })).rejects.toThrow(/400.*INVALID_REQUEST_ID/);
  });
});
