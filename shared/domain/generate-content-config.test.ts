import { describe, expect, it } from 'vitest';
import {
  generationConfigSchema,
  parseGenerateContentConfig,
  toAdkGenerateContentConfig,
  type GenerationConfig,
} from './generate-content-config.ts';

describe('parseGenerateContentConfig converts', () => {
  it.each<[string, unknown, GenerationConfig | undefined]>([
    ['null to no config', null, undefined],
    ['an empty mapping to no config', {}, undefined],
    ['null fields as unset', { temperature: null, top_p: null }, undefined],
    ['refused fields left empty, as ADK allows', { tools: [], system_instruction: '', labels: {}, response_logprobs: false }, undefined],
    ['temperature 0', { temperature: 0 }, { temperature: 0 }],
    ['temperature 2 (upper bound)', { temperature: 2 }, { temperature: 2 }],
    ['snake_case to camelCase', { top_p: 0.9, top_k: 40, max_output_tokens: 100, candidate_count: 1 }, { topP: 0.9, topK: 40, maxOutputTokens: 100, candidateCount: 1 }],
    ['camelCase as given (google-genai accepts both)', { topP: 0.9, maxOutputTokens: 100 }, { topP: 0.9, maxOutputTokens: 100 }],
    ['both spellings with the same value', { top_p: 0.5, topP: 0.5 }, { topP: 0.5 }],
    ['penalties at -2', { presence_penalty: -2, frequency_penalty: 1.99 }, { presencePenalty: -2, frequencyPenalty: 1.99 }],
    ['seed and stop sequences', { seed: -7, stop_sequences: ['a', 'b', 'c', 'd', 'e'] }, { seed: -7, stopSequences: ['a', 'b', 'c', 'd', 'e'] }],
    ['response_mime_type application/json', { response_mime_type: 'application/json' }, { responseMimeType: 'application/json' }],
    ['thinking_config', { thinking_config: { thinking_budget: -1, include_thoughts: true } }, { thinkingConfig: { thinkingBudget: -1, includeThoughts: true } }],
    ['thinkingConfig.thinkingLevel in any case', { thinkingConfig: { thinkingLevel: 'low' } }, { thinkingConfig: { thinkingLevel: 'LOW' } }],
    ['thinking_budget 0 (off)', { thinking_config: { thinking_budget: 0 } }, { thinkingConfig: { thinkingBudget: 0 } }],
    [
      'safety_settings in any case',
      { safety_settings: [{ category: 'harm_category_hate_speech', threshold: 'off' }, { category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE', method: 'probability' }] },
      { safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'OFF' }, { category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE', method: 'PROBABILITY' }] },
    ],
  ])('%s', (_name, input, expected) => {
    const { config, problems } = parseGenerateContentConfig(input);
    expect(problems).toEqual([]);
    expect(config).toEqual(expected);
    if (config) {
      expect(generationConfigSchema.parse(config)).toEqual(config);
      // Written back in ADK's spelling, it reads as the same config.
      expect(parseGenerateContentConfig(toAdkGenerateContentConfig(config)).config).toEqual(config);
    }
  });
});

describe('parseGenerateContentConfig refuses', () => {
  const at = (field: string) => `generate_content_config.${field}`;
  it.each<[string, unknown, [path: string, message: string][]]>([
    ['a non-mapping', 'hot', [['generate_content_config', 'expected a mapping, got a string']]],
    ['an unknown key', { temprature: 1 }, [[at('temprature'), 'Unknown field']]],
    ['several unknown keys, each named', { a: 1, max_tokens: 2 }, [[at('a'), 'Unknown field'], [at('max_tokens'), 'Unknown field']]],
    ['conflicting spellings', { top_p: 0.5, topP: 0.6 }, [[at('top_p'), 'given as both "top_p" and "topP" with different values']]],
    ['temperature as a string', { temperature: '0.5' }, [[at('temperature'), 'expected a number, got a string']]],
    ['temperature above 2', { temperature: 2.1 }, [[at('temperature'), 'must be from 0 to 2, got 2.1']]],
    ['temperature below 0', { temperature: -0.1 }, [[at('temperature'), 'must be from 0 to 2, got -0.1']]],
    ['top_p above 1', { topP: 1.5 }, [[at('topP'), 'must be from 0 to 1, got 1.5']]],
    ['top_k 0', { top_k: 0 }, [[at('top_k'), 'must be at least 1, got 0']]],
    ['top_k not an integer', { top_k: 2.5 }, [[at('top_k'), 'must be an integer, got 2.5']]],
    ['max_output_tokens 0', { max_output_tokens: 0 }, [[at('max_output_tokens'), 'must be at least 1, got 0']]],
    ['candidate_count 2', { candidate_count: 2 }, [[at('candidate_count'), 'Not supported: 2; a run follows one conversation, so only 1 candidate can be used']]],
    ['presence_penalty 2 (exclusive bound)', { presence_penalty: 2 }, [[at('presence_penalty'), 'must be from -2 to 2 (exclusive), got 2']]],
    ['frequency_penalty below -2', { frequencyPenalty: -3 }, [[at('frequencyPenalty'), 'must be from -2 to 2 (exclusive), got -3']]],
    ['seed beyond int32', { seed: 2 ** 31 }, [[at('seed'), 'must be from -2147483648 to 2147483647, got 2147483648']]],
    ['six stop sequences', { stop_sequences: ['1', '2', '3', '4', '5', '6'] }, [[at('stop_sequences'), 'at most 5 stop sequences are allowed, got 6']]],
    ['an empty stop sequence', { stop_sequences: ['END', ''] }, [[at('stop_sequences'), 'item 1 must be a non-empty string']]],
    ['stop_sequences as a string', { stop_sequences: 'END' }, [[at('stop_sequences'), 'expected a list of strings, got a string']]],
    ['an unknown mime type', { response_mime_type: 'text/html' }, [[at('response_mime_type'), 'expected "text/plain" or "application/json", got "text/html"']]],
    ['text/x.enum', { response_mime_type: 'text/x.enum' }, [[at('response_mime_type'), 'Not supported: "text/x.enum" needs a response schema']]],
    ['thinking_config as a number', { thinking_config: 1 }, [[at('thinking_config'), 'expected a mapping, got a number']]],
    ['thinking_budget -2', { thinking_config: { thinking_budget: -2 } }, [[at('thinking_config.thinking_budget'), 'expected an integer of at least -1']]],
    ['include_thoughts as a string', { thinking_config: { includeThoughts: 'yes' } }, [[at('thinking_config.includeThoughts'), 'expected a boolean, got a string']]],
    ['an unknown thinking level', { thinking_config: { thinking_level: 'extreme' } }, [[at('thinking_config.thinking_level'), 'expected one of MINIMAL, LOW, MEDIUM, HIGH, got "extreme"']]],
    ['thinking budget and level together', { thinking_config: { thinking_budget: 10, thinking_level: 'LOW' } }, [[at('thinking_config'), 'set thinking_budget or thinking_level, not both']]],
    ['an unknown thinking_config key', { thinking_config: { budget: 10 } }, [[at('thinking_config.budget'), 'Unknown field']]],
    ['safety_settings as a mapping', { safety_settings: { category: 'x' } }, [[at('safety_settings'), 'expected a list of {category, threshold}, got a mapping']]],
    ['a safety setting without threshold', { safety_settings: [{ category: 'HARM_CATEGORY_HARASSMENT' }] }, [[at('safety_settings[0]'), 'threshold is required']]],
    ['an unknown harm category', { safety_settings: [{ category: 'HARM_CATEGORY_RUDENESS', threshold: 'OFF' }] }, [[at('safety_settings[0].category'), 'expected one of HARM_CATEGORY_HARASSMENT']]],
    ['an unknown threshold', { safety_settings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ALL' }] }, [[at('safety_settings[0].threshold'), 'expected one of BLOCK_LOW_AND_ABOVE']]],
    [
      'a category set twice',
      { safety_settings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'OFF' }, { category: 'harm_category_harassment', threshold: 'BLOCK_NONE' }] },
      [[at('safety_settings[1].category'), 'HARM_CATEGORY_HARASSMENT is set more than once']],
    ],
    ['tools (ADK refuses them here)', { tools: [{ function_declarations: [] }] }, [[at('tools'), 'All tools must be set via LlmAgent.tools']]],
    ['system_instruction (ADK refuses it here)', { system_instruction: 'x' }, [[at('system_instruction'), 'System instruction must be set via LlmAgent.instruction']]],
    ['response_schema (ADK refuses it here)', { responseSchema: { type: 'OBJECT' } }, [[at('responseSchema'), 'Response schema must be set via LlmAgent.output_schema']]],
    ['http_options', { http_options: { base_url: 'http://x' } }, [[at('http_options'), 'Transport settings belong to the model client']]],
    ['response_modalities', { response_modalities: ['AUDIO'] }, [[at('response_modalities'), 'Not supported: the step pipeline produces text only.']]],
    ['cached_content', { cached_content: 'cachedContents/1' }, [[at('cached_content'), 'Not supported: cached_content is not supported by agentline yet.']]],
    ['several problems together', { temperature: 5, top_k: 'x', foo: 1 }, [[at('foo'), 'Unknown field'], [at('temperature'), 'must be from 0 to 2'], [at('top_k'), 'expected an integer']]],
  ])('%s', (_name, input, expected) => {
    const { config, problems } = parseGenerateContentConfig(input);
    expect(config).toBeUndefined();
    expect(problems).toHaveLength(expected.length);
    expected.forEach(([path, message], index) => {
      expect(problems[index]?.path).toBe(path);
      expect(problems[index]?.message).toContain(message);
    });
  });
});
