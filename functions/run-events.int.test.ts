import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { errorReply, functionCallReply, textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { readEventStream, type ReceivedEvent } from '../shared/testing/read-event-stream.ts';
import { geminiWireTestEnv, startTestStack } from '../shared/testing/test-stack.ts';

// runs.events over HTTP against the real pipeline on the emulators: a client reads the stream
// with fetch and a text/event-stream reader (no SSE client package is installed), leaves in the
// middle of a run, and reconnects with Last-Event-ID.
let stack: LocalStack;
let gemini: GeminiWireServer;
let token: string;
const agentYaml = 'name: calc_agent\ninstruction: Use the calculator.\ntools: [calculator]\n';

beforeAll(async () => {
  gemini = await startGeminiWireServer();
  stack = await startTestStack('run-events', { env: { ...geminiWireTestEnv(gemini.url), AGENTLINE_LOG_LEVEL: 'silent' } });
  token = await mintLocalToken(stack.localAuthSecret, { userId: 'ada' });
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
});

function openEvents(name: string, lastEventId?: string, signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  return fetch(`${stack.functionsUrl}/v1/${name}:events`, { headers, ...(signal ? { signal } : {}) });
}

/** Starts a run as ada through the runs API; resolves with its name. */
async function createRun(label: string, body: Record<string, unknown>): Promise<string> {
  const created = await fetch(`${stack.functionsUrl}/v1/runs?requestId=${label}-${process.pid}-${Date.now()}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agent: { configYaml: agentYaml, fileName: 'calc.yaml' }, ...body }),
  });
  return ((await created.json()) as { name: string }).name;
}


async function readAll(response: Response): Promise<ReceivedEvent[]> {
  expect(response.status).toBe(200);
  const events: ReceivedEvent[] = [];
  for await (const event of readEventStream(response)) events.push(event);
  return events;
}

describe('runs.events over HTTP on the emulators', () => {
  it('a client that disconnects after event k and reconnects with Last-Event-ID: k receives k+1… exactly once, across step hand-offs; the stream ends with done', async () => {
    let release = () => {};
    gemini.script([
      functionCallReply([{ name: 'calculator', args: { expression: '6*7' }, id: 'c1' }]),
      errorReply(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded', '0.2s'),
      { ...textReply('It is 42.'), until: new Promise<void>((resolve) => (release = resolve)) },
    ]);
    try {
      const name = await createRun('events', { input: 'What is 6*7?' });
      const leaving = new AbortController();
      const response = await openEvents(name, undefined, leaving.signal);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);

      // The first client leaves after the model's retry was reported: the plan, model, tool and
      // model steps ran in separate deliveries of the step functions by then.
      const before: ReceivedEvent[] = [];
      for await (const event of readEventStream(response)) {
        before.push(event);
        if (event.event === 'step.retried') break;
      }
      leaving.abort();
      const k = Number(before.at(-1)!.id);

      release();
      const after = await readAll(await openEvents(name, String(k)));
      const all = [...before, ...after];
      expect(all.map((event) => Number(event.id))).toEqual(all.map((_, index) => index));
      expect(after[0]!.id).toBe(String(k + 1));
      expect(all.map((event) => `${event.event} ${event.data['stepId'] ?? ''}`.trim())).toEqual([
        'step.finished 0-plan-0',
        'step.started 0-model-0',
        'tool.call 0-model-0',
        'usage 0-model-0',
        'step.finished 0-model-0',
        'tool.result',
        'step.finished 0-tool-0',
        'step.started 1-model-0',
        'step.retried 1-model-0',
        'step.started 1-model-0',
        'model.text 1-model-0',
        'usage 1-model-0',
        'step.finished 1-model-0',
        'step.finished 1-memory-0',
        'done',
      ]);
      expect(all.at(-1)!.data).toMatchObject({ state: 'SUCCEEDED', output: { text: 'It is 42.' } });
      expect(all.find((event) => event.event === 'tool.result')!.data).toMatchObject({ name: 'calculator', id: 'c1' });

      // A new client reads the same stream whole; one reconnecting after done is told there is no more.
      expect((await readAll(await openEvents(name))).map((event) => event.data)).toEqual(all.map((event) => event.data));
      const finished = await openEvents(name, all.at(-1)!.id);
      expect(finished.status).toBe(204);
    } finally {
      release();
    }
  });

  it('streams a streaming_mode SSE answer as partial text in batches while Gemini streams it, then the committed text', async () => {
    const chunk = (text: string, finishReason?: string) => ({ candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(finishReason ? { finishReason } : {}) }] });
    gemini.script([{ chunks: [chunk('a'.repeat(600)), chunk('b'.repeat(600)), chunk('e'), chunk('nd', 'STOP')] }]);
    const name = await createRun('partials', { input: 'Say a lot.', runConfig: { streaming_mode: 'SSE' } });
    const response = await openEvents(name);
    const events = await readAll(response);
    expect(events.map((event) => Number(event.id))).toEqual(events.map((_, index) => index));
    const partials = events.filter((event) => event.event === 'model.partial');
    // Four chunks came within one 500 ms interval: batched into fewer writes than chunks.
    expect(partials.length).toBeGreaterThan(0);
    expect(partials.length).toBeLessThan(4);
    const text = events.find((event) => event.event === 'model.text')!;
    expect(partials.map((event) => event.data['text']).join('')).toBe(text.data['text']);
    expect(Number(text.id)).toBeGreaterThan(Number(partials.at(-1)!.id));
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { state: 'SUCCEEDED' } });
  });
});
