import { afterEach, describe, expect, it } from 'vitest';
import { TransientError } from '../domain/errors.ts';
import type { ModelClient } from '../ports/model-client.ts';
import type { RunStore } from '../ports/run-store.ts';
import { createApiHandlersOverWorld, tokenOverWorld } from '../testing/agents-api-over-world.ts';
import { readEventStream, type ReceivedEvent } from '../testing/read-event-stream.ts';
import { until } from '../testing/until.ts';
import type { ServerSentEvent } from './event-stream.ts';
import { openRunEvents } from './run-events.ts';
import { ScriptedModel, modelCalls, modelText } from '../testing/scripted-model.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';

const agent = {
  configYaml: `
name: calc_agent
model: gemini-2.5-flash
description: Does arithmetic.
instruction: Use the calculator.
tools: [calculator]
`,
  fileName: 'calc.yaml',
};

let world: ReturnType<typeof createInMemoryWorld> | undefined;
afterEach(() => world?.close());

/** A model whose reply number `gatedCall` (0-based) waits until `open()` is called. */
function gatedModel(scripted: ScriptedModel, gatedCall: number) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let calls = 0;
  const model: ModelClient = {
    async generate(request) {
      if (calls++ === gatedCall) await gate;
      return scripted.generate(request);
    },
  };
  return { model, open };
}

/** The runs API over the world, with its store's listeners counted. */
function eventsApi(current: ReturnType<typeof createInMemoryWorld>) {
  const listeners = { open: 0 };
  const runs = current.store;
  const counted: RunStore = new Proxy(runs, {
    get(target, property) {
      if (property === 'watchRunDocument') {
        return (runId: string, listener: Parameters<RunStore['watchRunDocument']>[1]) => {
          listeners.open++;
          const stop = target.watchRunDocument(runId, listener);
          return () => {
            listeners.open--;
            stop();
          };
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const api = createApiHandlersOverWorld({ ...current, store: counted as typeof current.store }).api;
  async function open(runId: string, options: { userId?: string; lastEventId?: string; query?: string; signal?: AbortSignal } = {}): Promise<Response> {
    // Like runs.get, the run must exist (the submission step creates it).
    await until(async () => runId === 'nope' || (await runs.getRun(runId)) !== undefined);
    const headers: Record<string, string> = { authorization: `Bearer ${await tokenOverWorld(options.userId ?? 'ada')}` };
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    const query = options.query ? `?lastEventId=${options.query}` : '';
    return api(new Request(`http://api.test/v1/runs/${runId}:events${query}`, { headers, ...(options.signal ? { signal: options.signal } : {}) }));
  }
  async function readAll(response: Response): Promise<ReceivedEvent[]> {
    expect(response.status).toBe(200);
    const events: ReceivedEvent[] = [];
    for await (const event of readEventStream(response)) events.push(event);
    return events;
  }
  return { open, readAll, listeners, runs: counted };
}

function expectGapless(events: ReceivedEvent[], from: number): void {
  expect(events.map((event) => Number(event.id))).toEqual(events.map((_, index) => from + index));
  for (const event of events) expect(event.data['seq']).toBe(Number(event.id));
}

describe('runs.events: a run as Server-Sent Events', () => {
  it('streams every step in order with gapless ids, and a client reconnecting after event k gets k+1… exactly once, across hand-offs, ending with done', async () => {
    const scripted = new ScriptedModel([modelCalls([{ name: 'calculator', args: { expression: '6*7' }, id: 'c1' }]), modelText('It is 42.')]);
    const { model, open: openGate } = gatedModel(scripted, 1);
    world = createInMemoryWorld({ model });
    const { open, readAll, listeners } = eventsApi(world);
    const runId = world.submit({ agent, input: 'What is 6*7?', userId: 'ada' });
    // First client: reads until the tool call has been joined (a hand-off from model to tool to model), then leaves.
    const first = new AbortController();
    const response = await open(runId, { signal: first.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const before: ReceivedEvent[] = [];
    for await (const event of readEventStream(response)) {
      before.push(event);
      if (event.event === 'step.started' && event.data['stepId'] === '1-model-0') break;
    }
    first.abort();
    const k = Number(before.at(-1)!.id);
    await until(() => listeners.open === 0);

    openGate();
    const after = await readAll(await open(runId, { lastEventId: String(k) }));
    expectGapless(after, k + 1);
    expectGapless([...before, ...after], 0);
    const all = [...before, ...after];
    expect(all.map((event) => [event.event, event.data['stepId']])).toEqual([
      ['step.finished', '0-plan-0'],
      ['step.started', '0-model-0'],
      ['tool.call', '0-model-0'],
      ['usage', '0-model-0'],
      ['step.finished', '0-model-0'],
      ['tool.result', undefined],
      ['step.finished', '0-tool-0'],
      ['step.started', '1-model-0'],
      ['model.text', '1-model-0'],
      ['usage', '1-model-0'],
      ['step.finished', '1-model-0'],
      ['step.finished', '1-memory-0'],
      ['done', undefined],
    ]);
    expect(all.find((event) => event.event === 'tool.call')!.data).toMatchObject({ name: 'calculator', args: { expression: '6*7' }, id: 'c1' });
    expect(all.find((event) => event.event === 'tool.result')!.data).toMatchObject({ name: 'calculator', response: { output: { result: '42' } } });
    expect(all.find((event) => event.event === 'model.text')!.data).toMatchObject({ text: 'It is 42.' });
    expect(all.filter((event) => event.event === 'usage').at(-1)!.data).toMatchObject({ llmCallCount: 2, llmCallsLeft: 498 });
    expect(all.at(-1)!.data).toMatchObject({ state: 'SUCCEEDED', output: { text: 'It is 42.' } });

    // A fresh client gets the same stream; the query parameter works as the header does.
    expect((await readAll(await open(runId))).map((event) => event.id)).toEqual(all.map((event) => event.id));
    expect((await readAll(await open(runId, { query: String(k) }))).map((event) => event.id)).toEqual(after.map((event) => event.id));
    // After done there is nothing more: 204 tells an EventSource to stop reconnecting.
    expect((await open(runId, { lastEventId: all.at(-1)!.id! })).status).toBe(204);
    expect(listeners.open).toBe(0);
  });

  it('reports a retried model call and parallel tool calls joined in one hand-off', async () => {
    const calls = [
      { name: 'calculator', args: { expression: '1+1' }, id: 'a' },
      { name: 'calculator', args: { expression: '2*3' }, id: 'b' },
    ];
    const model = new ScriptedModel([new TransientError('quota', { code: 'RESOURCE_EXHAUSTED', retryDelayMs: 20 }), modelCalls(calls), modelText('2 and 6')]);
    world = createInMemoryWorld({ model });
    const { open, readAll } = eventsApi(world);
    const runId = world.submit({ agent, input: 'two things', userId: 'ada' });
    const events = await readAll(await open(runId));
    expectGapless(events, 0);
    const types = events.map((event) => event.event);
    expect(types.slice(0, 3)).toEqual(['step.finished', 'step.started', 'step.retried']);
    expect(events[2]!.data).toMatchObject({ stepId: '0-model-0', reason: { code: 'RESOURCE_EXHAUSTED' }, failedAttempts: 1 });
    expect(events.filter((event) => event.event === 'tool.result').map((event) => event.data['id'])).toEqual(['a', 'b']);
    expect(events.filter((event) => event.event === 'step.finished').map((event) => event.data['stepId'])).toEqual(['0-plan-0', '0-model-0', '0-tool-0', '0-tool-1', '1-model-0', '1-memory-0']);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { state: 'SUCCEEDED' } });
  });

  it('streams a streamed answer as partial text in batches before the committed text, marked with the attempt', async () => {
    const scripted = new ScriptedModel([modelText('a'.repeat(600) + 'b'.repeat(600) + 'end')]);
    const model: ModelClient = {
      async generate(request, observer) {
        expect(request.streaming).toBe('SSE');
        for (const chunk of ['a'.repeat(300), 'a'.repeat(300), 'b'.repeat(600), 'e', 'n', 'd']) observer?.onText(chunk);
        return scripted.generate(request);
      },
    };
    world = createInMemoryWorld({ model });
    const { open, readAll } = eventsApi(world);
    const runId = world.submit({ agent, input: 'long', userId: 'ada', runConfig: { streaming_mode: 'SSE' } });
    const events = await readAll(await open(runId));
    expectGapless(events, 0);
    const partials = events.filter((event) => event.event === 'model.partial');
    // Six chunks within one 500 ms interval: written together when the answer arrived, not one write per chunk.
    expect(partials.map((event) => [event.data['index'], (event.data['text'] as string).length, event.data['attempt']])).toEqual([[0, 1_203, 1]]);
    expect(partials.map((event) => event.data['text']).join('')).toBe(events.find((event) => event.event === 'model.text')!.data['text']);
    expect(events.map((event) => event.event).indexOf('model.text')).toBeGreaterThan(events.indexOf(partials.at(-1)!));
  });

  it('keeps an idle stream alive with comments, and releases its listener when the client goes', async () => {
    const { model, open: openGate } = gatedModel(new ScriptedModel([modelText('late')]), 0);
    world = createInMemoryWorld({ model });
    const runId = world.submit({ agent, input: 'hi', userId: 'ada' });
    await until(async () => (await world!.store.getRun(runId))?.state === 'RUNNING');
    const { runs, listeners } = eventsApi(world);
    const client = new AbortController();
    const { events } = await openRunEvents({ runs }, { userId: 'ada', admin: false }, runId, undefined, client.signal, { heartbeatMs: 20 });
    const received: ServerSentEvent[] = [];
    for await (const event of events!) {
      received.push(event);
      if ('comment' in event) client.abort();
    }
    // The client went: the stream ended by itself and let go of the run's listener.
    expect(listeners.open).toBe(0);
    expect(received.at(-1)).toEqual({ comment: 'keep-alive' });
    expect(received.filter((event) => 'id' in event).map((event) => ('id' in event ? event.event : ''))).toEqual(['step.finished', 'step.started']);
    openGate();
    await world.waitForRun(runId);
  });

  it('ends a failed run with done and its error', async () => {
    world = createInMemoryWorld({ model: new ScriptedModel([modelCalls([{ name: 'calculator', args: { expression: '1' } }])]) });
    const { open, readAll } = eventsApi(world);
    const runId = world.submit({ agent, input: 'loop', userId: 'ada', runConfig: { max_llm_calls: 1 } });
    const events = await readAll(await open(runId));
    expectGapless(events, 0);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { state: 'FAILED', error: { code: 'LLM_CALLS_LIMIT_EXCEEDED' } } });
  });

  it('refuses another user before telling whether the run exists, and a Last-Event-ID that is not a seq', async () => {
    world = createInMemoryWorld({ model: new ScriptedModel([modelText('hi')]) });
    const { open } = eventsApi(world);
    const runId = world.submit({ agent, input: 'hi', userId: 'ada' });
    await world.waitForRun(runId);
    expect((await open(runId, { userId: 'bob' })).status).toBe(403);
    expect((await open('nope', { userId: 'bob' })).status).toBe(403);
    expect((await open(runId, { lastEventId: 'x1' })).status).toBe(400);
  });
});
