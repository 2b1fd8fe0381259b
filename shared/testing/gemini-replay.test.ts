import { GoogleGenAI } from '@google/genai';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GenAiModelClient } from '../adapters/genai/genai-model-client.ts';
import { functionCallsOf, textOf, userText, type Content } from '../domain/content.ts';
import type { ModelRequest } from '../ports/model-client.ts';
import { loadGeminiRecording, startGeminiReplayServer } from './gemini-replay.ts';
import type { GeminiWireServer } from './gemini-wire-server.ts';

const recordingPath = fileURLToPath(new URL('../../examples/recordings/travel-calculator.json', import.meta.url));
const question = 'What is 2^64 + 1? And when it is 09:30 on 2026-03-29 in London, what time is it in Tokyo?';

let server: GeminiWireServer;
let client: GenAiModelClient;
beforeEach(async () => {
  server = await startGeminiReplayServer(await loadGeminiRecording(recordingPath));
  client = new GenAiModelClient(new GoogleGenAI({ apiKey: 'replay', httpOptions: { baseUrl: server.url } }));
});
afterEach(async () => {
  await server.close();
});

const turn = (contents: Content[], streaming: ModelRequest['streaming'] = 'NONE'): ModelRequest => ({
  model: 'gemini-2.5-flash',
  contents,
  functionDeclarations: [],
  streaming,
});

const resultsFor = (names: string[]): Content => ({
  role: 'user',
  parts: names.map((name) => ({ functionResponse: { name, response: { result: 'recorded' } } })),
});

describe('startGeminiReplayServer with the travel-calculator recording', () => {
  it.each<ModelRequest['streaming']>(['NONE', 'SSE'])('serves both turns in order (streaming %s)', async (streaming) => {
    const first = await client.generate(turn([userText(question)], streaming));
    expect(functionCallsOf(first.content)).toEqual([
      { name: 'calculator', args: { expression: '2^64 + 1' } },
      { name: 'convert_time', args: { time: '2026-03-29T09:30', from_timezone: 'Europe/London', to_timezone: 'Asia/Tokyo' } },
    ]);
    expect(first.content.parts[0]?.thoughtSignature).toMatch(/^CiQB[A-Za-z0-9+/]+=*$/);
    expect(first.usage.totalTokenCount).toBe(461);

    const contents = [userText(question), first.content, resultsFor(['calculator', 'convert_time'])];
    const second = await client.generate(turn(contents, streaming));
    expect(textOf(second.content)).toContain('18446744073709551617');
    expect(textOf(second.content)).toContain('17:30');
    server.assertAllRepliesUsed();
  });

  it('answers a request that diverges from the recording with a clear error', async () => {
    const first = await client.generate(turn([userText(question)]));
    const swapped = [userText(question), first.content, resultsFor(['convert_time', 'calculator'])];
    await expect(client.generate(turn(swapped))).rejects.toThrowError(
      /diverges from recorded exchange 2: function responses \[convert_time, calculator\], recorded \[calculator, convert_time\]/,
    );
    expect(() => server.assertAllRepliesUsed()).toThrowError(/diverges/);
  });

  it('rejects a different question on the first turn', async () => {
    await expect(client.generate(turn([userText('What is 1 + 1?')]))).rejects.toThrowError(/user text "What is 1 \+ 1\?"/);
  });

  it('fails the assertion while recorded exchanges remain', async () => {
    await client.generate(turn([userText(question)]));
    expect(() => server.assertAllRepliesUsed()).toThrowError('1 recorded exchanges were never requested');
  });
});
