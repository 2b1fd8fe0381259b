import { describe, expect, it } from 'vitest';
import type { ModelClient, ModelRequest } from '../ports/model-client.ts';
import { createApiHandlersOverWorld, tokenOverWorld } from '../testing/agents-api-over-world.ts';
import { callApi } from '../testing/call-api.ts';
import { modelText } from '../testing/scripted-model.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';

const yaml = 'name: echo\nmodel: gemini-2.5-flash\ninstruction: Echo.\n';
const windowMs = 500;

/** A model that records when each request came and answers at once. */
function timedModel() {
  const calls: { time: number; text: string }[] = [];
  const model: ModelClient = {
    async generate(request: ModelRequest) {
      const text = request.contents.at(-1)?.parts.map((part) => ('text' in part ? part.text : '')).join('') ?? '';
      calls.push({ time: Date.now(), text });
      return modelText(`ok ${text}`);
    },
  };
  return { model, calls };
}

/** How many calls fell in each quota window (windows aligned to the epoch, as the governor's). */
function perWindow(calls: { time: number }[]): number[] {
  const counts = new Map<number, number>();
  for (const call of calls) counts.set(Math.floor(call.time / windowMs), (counts.get(Math.floor(call.time / windowMs)) ?? 0) + 1);
  return [...counts.values()];
}

describe('the model quota every run shares', () => {
  it('never sends more than the window allows, defers the rest without counting their LLM call twice, and every run succeeds', async () => {
    const { model, calls } = timedModel();
    const world = createInMemoryWorld({ model, quotas: { 'gemini-2.5-flash': { rpm: 4, windowSeconds: windowMs / 1000, shards: 2, batchShare: 0.8 } } });
    const runIds = Array.from({ length: 16 }, (_, n) => world.submit({ agent: { configYaml: yaml }, input: `run ${n}`, runConfig: { max_llm_calls: 1 } }));
    const runs = await Promise.all(runIds.map((runId) => world.waitForRun(runId, 20_000)));
    for (const run of runs) expect(run).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 1, llmCallsSucceeded: 1 });
    expect(calls).toHaveLength(16);
    expect(Math.max(...perWindow(calls))).toBeLessThanOrEqual(4);
    const steps = await world.store.listSteps(runIds[15]!);
    expect(steps.find((step) => step.kind === 'model')).toMatchObject({ state: 'SUCCEEDED' });
  });

  it("gives an interactive run submitted during a batch its model call before the batch's queued ones", async () => {
    const { model, calls } = timedModel();
    const world = createInMemoryWorld({ model, quotas: { 'gemini-2.5-flash': { rpm: 4, windowSeconds: windowMs / 1000, shards: 4, batchShare: 0.5 } } });
    const api = createApiHandlersOverWorld(world);
    world.queue.subscribe('batch-fan-out', api.fanOutBatch);
    world.queue.subscribe('batch-item', api.advanceBatch);
    const created = await callApi(api.api, {
      method: 'POST',
      path: '/v1/batches',
      authorization: `Bearer ${await tokenOverWorld('ada')}`,
      body: { agent: { configYaml: yaml }, items: Array.from({ length: 12 }, (_, n) => `item ${n}`), concurrency: 12 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    // The batch has taken what it may of this window: two of four; the rest of its items wait.
    const firstBatchCalls = Date.now() + 5_000;
    while (calls.length < 2 && Date.now() < firstBatchCalls) await new Promise((resolve) => setTimeout(resolve, 5));
    const interactive = world.submit({ agent: { configYaml: yaml }, input: 'interactive' });
    await world.waitForRun(interactive, 20_000);
    // Deferred items come back through the delay queue, window after window.
    const name = (created.body as { name: string }).name;
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
      const batch = await callApi(api.api, { method: 'GET', path: `/v1/${name}`, authorization: `Bearer ${await tokenOverWorld('ada')}` });
      if ((batch.body as { state: string }).state === 'SUCCEEDED') break;
    }
    const interactiveCall = calls.findIndex((call) => call.text === 'interactive');
    const batchCalls = calls.filter((call) => call.text.startsWith('item'));
    expect(batchCalls).toHaveLength(12);
    // Items 2 … 11 were queued when it came; it went before all of them but at most the window's batch share.
    expect(calls.slice(0, interactiveCall).filter((call) => call.text.startsWith('item')).length).toBeLessThanOrEqual(4);
    expect(Math.max(...perWindow(batchCalls))).toBeLessThanOrEqual(2);
  });
});
