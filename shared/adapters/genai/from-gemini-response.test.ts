import { describe, expect, it } from 'vitest';
import type { Part } from '../../domain/content.ts';
import { PermanentDependencyError, TransientError } from '../../domain/errors.ts';
import { fromGeminiResponse, fromGeminiStream, type GeminiResponseJson } from './from-gemini-response.ts';

const chunk = (parts: Part[], extra: Partial<GeminiResponseJson> = {}): GeminiResponseJson => ({
  candidates: [{ content: { role: 'model', parts } }],
  ...extra,
});

describe('fromGeminiResponse', () => {
  it('returns the parts as received with usage, finish reason and model version', () => {
    const parts: Part[] = [
      { text: 'a' },
      { text: 'b' },
      { functionCall: { name: 'f', args: { x: 1 } }, thoughtSignature: 'c2ln' },
    ];
    const usage = { promptTokenCount: 5, candidatesTokenCount: 2, totalTokenCount: 7 };
    const response = fromGeminiResponse({
      candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP' }],
      usageMetadata: { ...usage, promptTokensDetails: [{ tokenCount: 5 }] },
      modelVersion: 'gemini-2.5-flash',
    });
    expect(response).toEqual({
      content: { role: 'model', parts },
      usage,
      finishReason: 'STOP',
      modelVersion: 'gemini-2.5-flash',
      chunkCount: 1,
    });
  });

  it.each<[string, GeminiResponseJson, string]>([
    ['a blocked prompt', { promptFeedback: { blockReason: 'SAFETY', blockReasonMessage: 'unsafe' } }, 'SAFETY'],
    ['an answer withheld for safety', { candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'SAFETY' }] }, 'withheld its answer (finishReason SAFETY)'],
    ['an answer withheld as recitation, without content', { candidates: [{ finishReason: 'RECITATION' }] }, 'finishReason RECITATION'],
  ])('rejects %s as MODEL_RESPONSE_BLOCKED, naming the reason', (_name, response, reason) => {
    expect(() => fromGeminiResponse(response)).toThrowError(
      expect.objectContaining({ code: 'MODEL_RESPONSE_BLOCKED', message: expect.stringContaining(reason) }),
    );
  });

  it.each<[string, GeminiResponseJson]>([
    ['no candidates', { candidates: [] }],
    ['a missing candidates field', { usageMetadata: { totalTokenCount: 3 } }],
  ])('does not call %s blocked: an empty response is transient, so it is asked again', (_name, response) => {
    expect(() => fromGeminiResponse(response)).toThrowError(TransientError);
    expect(() => fromGeminiResponse(response)).toThrowError(
      expect.objectContaining({ code: 'MODEL_RESPONSE_EMPTY', message: expect.stringContaining('no candidates and no block reason') }),
    );
  });

  it('names the output token limit when it was reached before any part', () => {
    expect(() => fromGeminiResponse({ candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'MAX_TOKENS' }] })).toThrowError(
      expect.objectContaining({ code: 'MODEL_RESPONSE_EMPTY', message: expect.stringContaining('max_output_tokens') }),
    );
  });

  it('rejects a part that does not have Gemini shape as MODEL_RESPONSE_INVALID', () => {
    const bad = chunk([{ functionCall: { args: {} } } as Part]);
    expect(() => fromGeminiResponse(bad)).toThrowError(PermanentDependencyError);
    expect(() => fromGeminiResponse(bad)).toThrowError(expect.objectContaining({ code: 'MODEL_RESPONSE_INVALID' }));
  });
});

describe('fromGeminiStream', () => {
  it.each<[string, Part[][], Part[]]>([
    ['concatenates text split across chunks', [[{ text: 'Hel' }], [{ text: 'lo' }], [{ text: '!' }]], [{ text: 'Hello!' }]],
    [
      'keeps thought text apart from answer text',
      [[{ text: 'hmm', thought: true }], [{ text: ' ok', thought: true }], [{ text: 'Answer' }]],
      [{ text: 'hmm ok', thought: true }, { text: 'Answer' }],
    ],
    [
      'does not merge a part that carries a signature with its neighbours',
      [[{ text: 'a' }], [{ text: 'b', thoughtSignature: 'U0lH' }], [{ text: 'c' }]],
      [{ text: 'a' }, { text: 'b', thoughtSignature: 'U0lH' }, { text: 'c' }],
    ],
    [
      'keeps a final empty text part that only carries the signature',
      [[{ text: 'Done' }], [{ text: '', thoughtSignature: 'U0lH' }]],
      [{ text: 'Done' }, { text: '', thoughtSignature: 'U0lH' }],
    ],
    [
      'keeps function calls whole and in order, signature on the part it came with',
      [
        [{ functionCall: { name: 'a', args: {} }, thoughtSignature: 'Zmlyc3Q=' }],
        [{ functionCall: { name: 'b', args: {} } }, { functionCall: { name: 'c', args: {} } }],
      ],
      [
        { functionCall: { name: 'a', args: {} }, thoughtSignature: 'Zmlyc3Q=' },
        { functionCall: { name: 'b', args: {} } },
        { functionCall: { name: 'c', args: {} } },
      ],
    ],
  ])('%s', (_name, chunkParts, expected) => {
    expect(fromGeminiStream(chunkParts.map((parts) => chunk(parts))).content.parts).toEqual(expected);
  });

  it('takes usage from the last chunk that has it, never a sum', () => {
    const response = fromGeminiStream([
      chunk([{ text: 'a' }], { usageMetadata: { promptTokenCount: 10, totalTokenCount: 11 } }),
      chunk([{ text: 'b' }], { usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 4, totalTokenCount: 14 } }),
      chunk([{ text: 'c' }]),
    ]);
    expect(response.usage).toEqual({ promptTokenCount: 10, candidatesTokenCount: 4, totalTokenCount: 14 });
    expect(response.chunkCount).toBe(3);
  });

  it('takes the finish reason from the last chunk that has one', () => {
    const response = fromGeminiStream([
      { candidates: [{ content: { role: 'model', parts: [{ text: 'a' }] }, finishReason: 'MAX_TOKENS' }] },
      { candidates: [{ content: { role: 'model', parts: [{ text: 'b' }] }, finishReason: 'STOP' }] },
      { candidates: [{ content: { role: 'model', parts: [] } }] },
    ]);
    expect(response.finishReason).toBe('STOP');
  });

  it('reports a prompt blocked in the first chunk', () => {
    expect(() => fromGeminiStream([{ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } }])).toThrowError(
      expect.objectContaining({ code: 'MODEL_RESPONSE_BLOCKED', message: expect.stringContaining('PROHIBITED_CONTENT') }),
    );
  });

  it('treats a stream without any chunk as an empty, transient answer, not a block', () => {
    expect(() => fromGeminiStream([])).toThrowError(expect.objectContaining({ code: 'MODEL_RESPONSE_EMPTY', message: expect.stringContaining('empty stream') }));
  });
});
