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
import { callbackSecretFor } from '../domain/callback-secret.ts';
import { startCallbackReceiver } from '../testing/callback-receiver.ts';
import { verifyStandardWebhook } from '../webhooks/verify-standard-webhook.ts';
import { testCallbackSigningKey } from '../wiring/create-in-memory-world.ts';
import { InvalidInputError } from '../domain/errors.ts';
import { parseBatchSpec, type BatchPolicy } from '../domain/batches/batch-spec.ts';
import type { OutboxMessage } from '../domain/step.ts';
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

function start(
  model: ModelClient,
  readSource: typeof readBatchSource = readBatchSource,
  batchPolicy: BatchPolicy = { localFiles: true, buckets: 'any', httpCallbacks: true },
  random: () => number = Math.random,
) {
  const world = createInMemoryWorld({ model, random });
  const api = createApiHandlersOverWorld(world);
  // The batch workers as deployed, over the world's database and queue (with the source read through `readSource`).
  const workers = createBatchHandlers(
    { batches: new InMemoryBatchStore(world.documents), store: world.store, queue: world.queue, outbox: world.outbox, clock: { now: () => Date.now() }, logger: world.deps.logger, batchPolicy },
    readSource,
  );
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

  it("cancelled before its running items' runs are written, cancels each run once it is written", async () => {
    // Model calls are held, so a run's cancellation cannot lose a race with its end.
    const model = trackingModel({ hold: true });
    const { world, call, report } = start(model);
    // The items' submissions are held on their way, as a backlogged topic would hold them.
    const held: OutboxMessage[] = [];
    const publish = world.queue.publish.bind(world.queue);
    let holding = true;
    world.queue.publish = async (messages) => {
      const submissions = holding ? messages.filter((message) => message.topic === 'trusted-submissions') : [];
      held.push(...submissions);
      return publish(messages.filter((message) => !submissions.includes(message)));
    };
    const batch = await call('POST', 'batches', { agent, items: items(10), inputTemplate: 'Item {{ n }}', concurrency: 3 });
    await expect.poll(() => held.length).toBe(3);
    const runIds = (await report(batch['name'])).lines.slice(0, 3).map((line) => (line['run'] as string).slice('runs/'.length));
    expect(await world.store.getRun(runIds[0]!)).toBeUndefined();
    await call('POST', `${batch['name']}:cancel`);
    holding = false;
    await publish(held.splice(0));
    await expect.poll(async () => (await Promise.all(runIds.map((runId) => world.store.getRun(runId)))).map((run) => run?.state)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    model.release();
    await world.queue.idle();
    expect(await call('GET', batch['name'])).toMatchObject({ state: 'CANCELLED', counts: { queued: 0, running: 0, succeeded: 0, cancelled: 10 } });
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

  it("POSTs a batch's outcome to its callback once it ends, signed with its user's secret, and shows the delivery in its view", async () => {
    const hook = await startCallbackReceiver([503, 204]);
    try {
      // No jitter: the retried delivery is due at its first backoff, not anywhere up to the cap.
      const { world, call } = start(trackingModel(), readBatchSource, undefined, () => 0);
      const batch = await call('POST', 'batches', { agent, items: items(6), inputTemplate: 'Item {{ n }}', concurrency: 2, callback: { url: hook.url } });
      await world.queue.idle();
      await expect.poll(async () => (await call('GET', batch['name']))['callback']?.state, { timeout: 10_000 }).toBe('DELIVERED');
      const [accepted] = hook.accepted();
      expect(hook.received).toHaveLength(2);
      const secret = callbackSecretFor(testCallbackSigningKey, 'ada');
      expect(verifyStandardWebhook({ body: accepted!.body, headers: accepted!.headers, secrets: [secret], now: Date.now() })).toMatchObject({ ok: true, deliveryId: `cb_${batch['batchId']}` });
      expect(JSON.parse(accepted!.body.toString('utf8'))).toMatchObject({ name: batch['name'], state: 'SUCCEEDED', totals: { succeeded: 6, modelRequests: 6 } });
      expect(await call('GET', batch['name'])).toMatchObject({ callback: { url: hook.url, state: 'DELIVERED', attempts: [{ number: 1, status: 503 }, { number: 2, status: 204 }] } });
    } finally {
      await hook.close();
    }
  });

  it('reports a batch whose source cannot be read as FAILED on the results topic and to its callback', async () => {
    const hook = await startCallbackReceiver([204]);
    try {
      const unreadable: typeof readBatchSource = async () => {
        throw new InvalidInputError('line 3 is not JSON', { code: 'SOURCE_UNREADABLE' });
      };
      const { world, call } = start(trackingModel(), unreadable);
      const batch = await call('POST', 'batches', { agent, items: items(3), concurrency: 2, callback: { url: hook.url } });
      await world.queue.idle();
      await expect.poll(() => hook.accepted().length, { timeout: 10_000 }).toBe(1);
      const failed = { name: batch['name'], state: 'FAILED', error: { code: 'SOURCE_UNREADABLE', message: 'line 3 is not JSON' } };
      expect(JSON.parse(hook.accepted()[0]!.body.toString('utf8'))).toMatchObject(failed);
      expect(world.queue.published.filter((message) => message.topic === 'results').map((message) => JSON.parse(message.data.toString()).batch)).toEqual([expect.objectContaining(failed)]);
    } finally {
      await hook.close();
    }
  });

  it("sends the same body on every attempt of a FAILED batch's callback, though its running items end after it", async () => {
    const hook = await startCallbackReceiver([503, 204]);
    try {
      const model = trackingModel({ hold: true });
      let reads = 0;
      const secondChunkBroken: typeof readBatchSource = async (...args) => {
        if (++reads === 2) throw new InvalidInputError('line 201 is not JSON', { code: 'SOURCE_UNREADABLE' });
        return readBatchSource(...args);
      };
      // A fixed jitter: the retry comes a second after the refused attempt, after the items are let go.
      const { world, call } = start(model, secondChunkBroken, undefined, () => 0.2);
      const batch = await call('POST', 'batches', { agent, items: items(300), inputTemplate: 'Item {{ n }}', concurrency: 2, callback: { url: hook.url } });
      await expect.poll(() => hook.received.length, { timeout: 10_000 }).toBe(1);
      model.release();
      await world.queue.idle();
      await expect.poll(() => hook.accepted().length, { timeout: 15_000 }).toBe(1);
      expect(hook.received[1]!.body.equals(hook.received[0]!.body)).toBe(true);
      expect(JSON.parse(hook.received[0]!.body.toString('utf8'))).toMatchObject({ state: 'FAILED', totals: { succeeded: 0 } });
      // The batch itself moved on: its two running items ended after it failed.
      expect(await call('GET', batch['name'])).toMatchObject({ state: 'FAILED', totals: { succeeded: 2 } });
    } finally {
      await hook.close();
    }
  });

  it("fails, without reading it, a batch whose object is not in its user's folder when the fan-out reads it (written before the rule)", async () => {
    const neverRead: typeof readBatchSource = async () => {
      throw new Error('the source was read');
    };
    // The API here reads any bucket (as a local stack's); the workers read only acme-batches' folders, as deployed.
    const { world, call } = start(trackingModel(), neverRead, { localFiles: false, buckets: ['acme-batches'], httpCallbacks: false });
    const batch = await call('POST', 'batches', { agent, jsonlUri: 'gs://acme-batches/bob/private.jsonl' });
    await world.queue.idle();
    expect(await call('GET', batch['name'])).toMatchObject({ state: 'FAILED', error: { code: 'SOURCE_UNREADABLE', message: expect.stringContaining("a batch reads only objects under its user's folder, gs://acme-batches/ada/") } });
  });

  it('refuses an http callback where outbound loopback is not allowed, naming it', async () => {
    const policy = { localFiles: false, buckets: [], httpCallbacks: false };
    expect(() => parseBatchSpec({ items: ['a'], callback: { url: 'http://example.com/hook' } }, { batchPolicy: policy, userId: 'ada' })).toThrow(/callback.url http:\/\/example.com\/hook must be https/);
    expect(parseBatchSpec({ items: ['a'], callback: { url: 'https://example.com/hook' } }, { batchPolicy: policy, userId: 'ada' })).toMatchObject({ callback: { url: 'https://example.com/hook' } });
  });

  it('refuses a requestId that would name what a batch, schedule or trigger starts', async () => {
    const { call } = start(trackingModel());
    await expect(call('POST', 'batches', { agent, items: ['a'] }, { requestId: 'schedule:1234' })).rejects.toThrow(/400.*requestId may not start with batch:, schedule: or trigger:/);
    await expect(call('POST', 'runs', { agent, input: 'hi' }, { requestId: 'batch:b1:0' })).rejects.toThrow(/400.*INVALID_REQUEST_ID/);
  });
});
