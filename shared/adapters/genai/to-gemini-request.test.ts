import { describe, expect, it } from 'vitest';
import type { ModelRequest } from '../../ports/model-client.ts';
import { toGeminiRequest } from './to-gemini-request.ts';

const base: ModelRequest = {
  model: 'gemini-2.5-flash',
  contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
  functionDeclarations: [],
  streaming: 'NONE',
};

const calculator = {
  name: 'calculator',
  description: 'Evaluates an arithmetic expression',
  parametersJsonSchema: { type: 'object', properties: { expression: { type: 'string' } }, required: ['expression'] },
};

describe('toGeminiRequest', () => {
  it.each<[string, Partial<ModelRequest>, Record<string, unknown>]>([
    ['a bare request has an empty config', {}, {}],
    [
      'the system instruction becomes a content with one text part',
      { systemInstruction: 'Be brief.' },
      { systemInstruction: { parts: [{ text: 'Be brief.' }] } },
    ],
    [
      'function declarations become one tool with parametersJsonSchema',
      { functionDeclarations: [calculator] },
      { tools: [{ functionDeclarations: [calculator] }] },
    ],
    [
      'generation config fields are spread into config',
      { generationConfig: { temperature: 0.2, maxOutputTokens: 512, thinkingConfig: { thinkingBudget: 0 } } },
      { temperature: 0.2, maxOutputTokens: 512, thinkingConfig: { thinkingBudget: 0 } },
    ],
    [
      'our system instruction wins over one smuggled in generation config',
      { systemInstruction: 'Ours', generationConfig: { systemInstruction: 'theirs' } },
      { systemInstruction: { parts: [{ text: 'Ours' }] } },
    ],
  ])('%s', (_name, overrides, expectedConfig) => {
    const params = toGeminiRequest({ ...base, ...overrides });
    expect(params.config).toEqual(expectedConfig);
    expect(params.model).toBe('gemini-2.5-flash');
  });

  it('omits tools entirely when the agent declares no functions', () => {
    expect(toGeminiRequest(base).config).not.toHaveProperty('tools');
  });

  it('passes every part through unchanged, thought signature byte for byte and unknown keys kept', () => {
    const contents: ModelRequest['contents'] = [
      { role: 'user', parts: [{ text: 'What is 2+2?' }] },
      {
        role: 'model',
        parts: [
          { text: 'thinking…', thought: true },
          { functionCall: { name: 'calculator', args: { expression: '2+2' } }, thoughtSignature: 'Ci4B/+x==' },
          { executableCode: { language: 'PYTHON', code: 'print(4)' } },
        ],
      },
      { role: 'user', parts: [{ functionResponse: { name: 'calculator', response: { result: 4 } } }] },
    ];
    const params = toGeminiRequest({ ...base, contents });
    expect(params.contents).toEqual(contents);
    expect(params.contents).not.toBe(contents);
  });
});
