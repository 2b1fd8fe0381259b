import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorReply, textReply } from './gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from './gemini-wire-server.ts';

let server: GeminiWireServer;
const post = (path: string, body: unknown = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }) =>
  fetch(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
// Parsed bodies are only read, never trusted: a wrong shape fails the assertion anyway.
const partsOfReply = async (response: Response): Promise<unknown> =>
  ((await response.json()) as { candidates: { content: { parts: { text: string }[] } }[] }).candidates[0]?.content.parts;
const errorMessageOf = async (response: Response): Promise<string> =>
  ((await response.json()) as { error: { message: string } }).error.message;
const generate = '/v1beta/models/gemini-2.5-flash:generateContent';
const stream = '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse';

beforeEach(async () => {
  server = await startGeminiWireServer();
});
afterEach(async () => {
  await server.close();
});

describe('startGeminiWireServer', () => {
  it('answers scripted replies in order and records each request', async () => {
    server.script([textReply('one'), textReply('two')]);
    const first = await partsOfReply(await post(generate));
    const second = await (await post(stream)).text();
    expect(first).toEqual([{ text: 'one' }]);
    expect(second).toMatch(/^data: \{.*"two".*\}\r\n\r\n$/);
    expect(server.requests.map((request) => [request.model, request.stream])).toEqual([
      ['gemini-2.5-flash', false],
      ['gemini-2.5-flash', true],
    ]);
    server.assertAllRepliesUsed();
  });

  it('sends every chunk as its own SSE event with the event-stream content type', async () => {
    server.script([{ chunks: [{ modelVersion: 'a' }, { modelVersion: 'b' }, { modelVersion: 'c' }] }]);
    const response = await post(stream);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(await response.text()).toBe('data: {"modelVersion":"a"}\r\n\r\ndata: {"modelVersion":"b"}\r\n\r\ndata: {"modelVersion":"c"}\r\n\r\n');
  });

  it('answers an unscripted call with a 500 that explains itself and fails the assertion', async () => {
    const response = await post(generate);
    expect(response.status).toBe(500);
    expect(await errorMessageOf(response)).toContain('no scripted reply left');
    expect(server.unexpectedCalls).toHaveLength(1);
    expect(() => server.assertAllRepliesUsed()).toThrowError(/no scripted reply left/);
  });

  it('fails the assertion when scripted replies were never requested', () => {
    server.script([textReply('unused')]);
    expect(() => server.assertAllRepliesUsed()).toThrowError('1 scripted replies were never requested');
  });

  it('refuses an SSE chunks reply to a non-streaming request', async () => {
    server.script([{ chunks: [{ modelVersion: 'a' }] }]);
    expect((await post(generate)).status).toBe(500);
    expect(server.unexpectedCalls[0]).toContain('`chunks` reply was scripted for generateContent');
  });

  it('writes Google error bodies with a RetryInfo detail', async () => {
    server.script([errorReply(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded', '2s')]);
    const response = await post(generate);
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({
      error: {
        code: 429,
        message: 'Quota exceeded',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }],
      },
    });
  });

  it('asks the respond function once the script is used up', async () => {
    await server.close();
    server = await startGeminiWireServer({ respond: (request) => textReply(`echo ${request.model}`) });
    server.script([textReply('scripted')]);
    expect(await partsOfReply(await post(generate))).toEqual([{ text: 'scripted' }]);
    expect(await partsOfReply(await post(generate))).toEqual([{ text: 'echo gemini-2.5-flash' }]);
  });

  it('waits delayMs before answering', async () => {
    server.script([{ ...textReply('late'), delayMs: 120 }]);
    const started = performance.now();
    await post(generate);
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('treats a request to an unknown route as unexpected', async () => {
    expect((await post('/v1beta/models')).status).toBe(404);
    expect(() => server.assertAllRepliesUsed()).toThrowError(/not a generate request/);
  });
});
