import { GoogleGenAI, type HttpOptions } from '@google/genai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Content } from '../../domain/content.ts';
import { PermanentDependencyError, TransientError } from '../../domain/errors.ts';
import type { ModelRequest } from '../../ports/model-client.ts';
import { errorReply, functionCallReply, textReply } from '../../testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../../testing/gemini-wire-server.ts';
import { GenAiModelClient } from './genai-model-client.ts';

const question: ModelRequest = {
  model: 'gemini-2.5-flash',
  contents: [{ role: 'user', parts: [{ text: 'What is 2^64 + 1?' }] }],
  functionDeclarations: [],
  streaming: 'NONE',
};
// As long and opaque as a real Gemini 2.5 signature, with the characters base64 allows.
const signature = 'CiQB0e2Kb+/x9Yq3T7wM1lq8Zk2l/Y1sPq0Xh4Rr8Vd3JkN0aGlzIGlzIG9wYXF1ZQ==';

let server: GeminiWireServer;
const clientFor = (httpOptions: HttpOptions = {}) =>
  new GenAiModelClient(new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: server.url, ...httpOptions } }));

beforeEach(async () => {
  server = await startGeminiWireServer();
});
afterEach(async () => {
  await server.close();
});

describe('GenAiModelClient with the real @google/genai client', () => {
  it('returns a text answer with its usage', async () => {
    server.script([textReply('18446744073709551617', { promptTokenCount: 9, candidatesTokenCount: 7, totalTokenCount: 16 })]);
    const response = await clientFor().generate(question);
    expect(response.content).toEqual({ role: 'model', parts: [{ text: '18446744073709551617' }] });
    expect(response.usage).toEqual({ promptTokenCount: 9, candidatesTokenCount: 7, totalTokenCount: 16 });
    expect(response).toMatchObject({ finishReason: 'STOP', modelVersion: 'gemini-2.5-flash', chunkCount: 1 });
    // v3.1.0 defaults the Gemini API to v1 (GOOGLE_GENAI_API_VERSION or apiVersion change it).
    expect(server.requests[0]).toMatchObject({ path: '/v1/models/gemini-2.5-flash:generateContent', stream: false });
    expect(server.requests[0]?.headers['x-goog-api-key']).toBe('test-key');
    server.assertAllRepliesUsed();
  });

  it('preserves the thought signature of a function call exactly', async () => {
    server.script([functionCallReply([{ name: 'calculator', args: { expression: '2^64 + 1' } }], { thoughtSignature: signature })]);
    const response = await clientFor().generate(question);
    expect(response.content.parts).toEqual([
      { functionCall: { name: 'calculator', args: { expression: '2^64 + 1' } }, thoughtSignature: signature },
    ]);
    server.assertAllRepliesUsed();
  });

  it('returns three parallel function calls in the order the model made them', async () => {
    const calls = [
      { name: 'calculator', args: { expression: '1+1' }, id: 'call-1' },
      { name: 'convert_time', args: { time: '09:30' }, id: 'call-2' },
      { name: 'calculator', args: { expression: '2+2' }, id: 'call-3' },
    ];
    server.script([functionCallReply(calls)]);
    const response = await clientFor().generate(question);
    expect(response.content.parts.map((part) => part.functionCall)).toEqual(calls);
    server.assertAllRepliesUsed();
  });

  it('sends function responses back in request order with the signed model turn untouched', async () => {
    const modelTurn: Content = {
      role: 'model',
      parts: [
        { functionCall: { name: 'calculator', args: { expression: '2^64 + 1' } }, thoughtSignature: signature },
        { functionCall: { name: 'convert_time', args: { time: '2026-03-29T09:30' } } },
      ],
    };
    const results: Content = {
      role: 'user',
      parts: [
        { functionResponse: { name: 'calculator', response: { result: '18446744073709551617' } } },
        { functionResponse: { name: 'convert_time', response: { result: '17:30' } } },
      ],
    };
    server.script([textReply('Done')]);
    await clientFor().generate({ ...question, contents: [...question.contents, modelTurn, results] });
    expect(server.requests[0]?.body.contents).toEqual([...question.contents, modelTurn, results]);
    server.assertAllRepliesUsed();
  });

  it('merges an SSE stream of three text chunks, telling the observer each chunk\'s text, and takes usage from the last chunk only', async () => {
    // Like the real API, every chunk reports the running total; a sum would count the prompt 3 times.
    const textChunk = (text: string, candidatesTokenCount: number, finishReason?: string) => ({
      candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(finishReason ? { finishReason } : {}) }],
      usageMetadata: { promptTokenCount: 9, candidatesTokenCount, totalTokenCount: 9 + candidatesTokenCount },
    });
    server.script([
      {
        chunks: [textChunk('2^64 + 1 ', 5), textChunk('= 18446744073709551617', 11), textChunk('.', 12, 'STOP')],
      },
    ]);
    const seen: string[] = [];
    const response = await clientFor().generate({ ...question, streaming: 'SSE' }, { onText: (text) => seen.push(text) });
    expect(response.content.parts).toEqual([{ text: '2^64 + 1 = 18446744073709551617.' }]);
    // The observer hears each chunk's text as it arrives; the merged answer is still the response.
    expect(seen).toEqual(['2^64 + 1 ', '= 18446744073709551617', '.']);
    expect(response).toMatchObject({ chunkCount: 3, finishReason: 'STOP' });
    expect(response.usage).toEqual({ promptTokenCount: 9, candidatesTokenCount: 12, totalTokenCount: 21 });
    expect(server.requests[0]).toMatchObject({ path: '/v1/models/gemini-2.5-flash:streamGenerateContent', stream: true });
    server.assertAllRepliesUsed();
  });

  it('maps a 429 with RetryInfo "2s" to a TransientError waiting 2000 ms', async () => {
    server.script([errorReply(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota.', '2s')]);
    const error = await clientFor().generate(question).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ code: 'RESOURCE_EXHAUSTED', retryDelayMs: 2000, message: 'You exceeded your current quota.' });
    server.assertAllRepliesUsed();
  });

  it.each<[string, HttpOptions]>([
    ['with default options', {}],
    ['even when the client was built with SDK retry options', { retryOptions: { attempts: 3, initialDelay: 0.01 } }],
  ])('makes exactly one HTTP request per call on a 429 %s', async (_name, httpOptions) => {
    server.script([errorReply(429, 'RESOURCE_EXHAUSTED', 'Slow down', '1s')]);
    await expect(clientFor(httpOptions).generate(question)).rejects.toBeInstanceOf(TransientError);
    expect(server.requests).toHaveLength(1);
    server.assertAllRepliesUsed();
  });

  it.each<[string, ModelRequest['streaming']]>([
    ['a generate call', 'NONE'],
    ['a stream', 'SSE'],
  ])('does not follow a continuation token on its own in %s', async (_name, streaming) => {
    server.script([
      {
        response: {
          candidates: [
            {
              content: { role: 'model', parts: [{ text: 'part one' }] },
              finishReason: 'CONTINUATION',
              continuationToken: 'Y29udGludWU=',
            },
          ],
        },
      },
    ]);
    const response = await clientFor().generate({ ...question, streaming });
    expect(response.content.parts).toEqual([{ text: 'part one' }]);
    expect(server.requests).toHaveLength(1);
    server.assertAllRepliesUsed();
  });

  it('maps a 503 on a stream to a TransientError', async () => {
    server.script([errorReply(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.')]);
    await expect(clientFor().generate({ ...question, streaming: 'SSE' })).rejects.toMatchObject({
      constructor: TransientError,
      code: 'UNAVAILABLE',
    });
  });

  it('maps a 400 to a PermanentDependencyError carrying exactly the API message', async () => {
    const apiMessage = 'Please ensure that function call turn comes immediately after a user turn or after a function response turn.';
    server.script([errorReply(400, 'INVALID_ARGUMENT', apiMessage)]);
    const error = await clientFor().generate(question).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PermanentDependencyError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', message: apiMessage });
  });

  it('maps a refused connection to a TransientError', async () => {
    const client = clientFor();
    await server.close();
    await expect(client.generate(question)).rejects.toMatchObject({ retryable: true, code: 'UNAVAILABLE' });
    server = await startGeminiWireServer();
  });

  it('declares the system instruction and tools in the request body, and no SDK-only options', async () => {
    const calculator = {
      name: 'calculator',
      description: 'Evaluates an arithmetic expression exactly',
      parametersJsonSchema: { type: 'object', properties: { expression: { type: 'string' } }, required: ['expression'] },
    };
    server.script([textReply('ok')]);
    await clientFor().generate({
      ...question,
      systemInstruction: 'You are a careful assistant.',
      functionDeclarations: [calculator],
      generationConfig: { temperature: 0 },
    });
    const body = server.requests[0]?.body;
    expect(body?.systemInstruction).toEqual({ parts: [{ text: 'You are a careful assistant.' }] });
    expect(body?.tools).toEqual([{ functionDeclarations: [calculator] }]);
    expect(body?.generationConfig).toEqual({ temperature: 0 });
  });

  it('gives up on a request that outlives its timeout with a TransientError saying the model did not answer', async () => {
    server.script([{ ...textReply('too late'), delayMs: 2_000 }]);
    const client = new GenAiModelClient(new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: server.url } }), {
      requestTimeoutMs: 200,
    });
    const attempt = client.generate(question);
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
    await expect(attempt).rejects.toMatchObject({ code: 'MODEL_TIMEOUT', message: 'The model did not answer within 0.2 s (the request timed out)' });
    expect(server.requests).toHaveLength(1);
  });
});
