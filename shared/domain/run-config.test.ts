import { describe, expect, it, vi } from 'vitest';
import { ConfigValidationError } from './config-problems.ts';
import { InvalidInputError } from './errors.ts';
import { UNLIMITED_LLM_CALLS_WARNING } from './run-config-fields.ts';
import { llmCallLimit, parseRunConfig, runConfigSchema, toAdkRunConfigJson, type RunConfig } from './run-config.ts';

const defaults: RunConfig = { maxLlmCalls: 500, streamingMode: 'NONE', responseModalities: [] };

function parseCollectingWarnings(input: unknown): { config: RunConfig; warnings: string[] } {
  const warnings: string[] = [];
  const config = parseRunConfig(input, { onWarning: (message) => warnings.push(message) });
  return { config, warnings };
}

/** What `RunConfig().model_dump(mode='json')` gives in ADK Python: every field at its default. */
const adkPythonDefaultDump = {
  speech_config: null,
  response_modalities: null,
  save_input_blobs_as_artifacts: false,
  support_cfc: false,
  streaming_mode: null,
  output_audio_transcription: {},
  input_audio_transcription: {},
  realtime_input_config: null,
  enable_affective_dialog: null,
  proactivity: null,
  session_resumption: null,
  context_window_compression: null,
  save_live_blob: false,
  tool_thread_pool_config: null,
  save_live_audio: false,
  max_llm_calls: 500,
  dedupe_tool_calls: false,
  custom_metadata: null,
};

describe('parseRunConfig accepts', () => {
  it.each<[string, unknown, Partial<RunConfig>, string[]?]>([
    ['no RunConfig at all (defaults)', undefined, {}],
    ['an empty object (defaults)', {}, {}],
    ["ADK Python's default model_dump", adkPythonDefaultDump, {}],
    ['snake_case names', { max_llm_calls: 10, streaming_mode: 'SSE', response_modalities: ['TEXT'] }, { maxLlmCalls: 10, streamingMode: 'SSE', responseModalities: ['TEXT'] }],
    ['camelCase names', { maxLlmCalls: 10, streamingMode: 'sse', responseModalities: ['text'] }, { maxLlmCalls: 10, streamingMode: 'SSE', responseModalities: ['TEXT'] }],
    ['both spellings with the same value', { max_llm_calls: 7, maxLlmCalls: 7 }, { maxLlmCalls: 7 }],
    ['streaming_mode "none"', { streaming_mode: 'none' }, { streamingMode: 'NONE' }],
    ['streaming_mode "None"', { streaming_mode: 'None' }, { streamingMode: 'NONE' }],
    ['streaming_mode "NONE"', { streaming_mode: 'NONE' }, { streamingMode: 'NONE' }],
    ['streaming_mode null (ADK Python serialises NONE as null)', { streaming_mode: null }, { streamingMode: 'NONE' }],
    ['streaming_mode "sse" (ADK Python/JS value)', { streaming_mode: 'sse' }, { streamingMode: 'SSE' }],
    ['streaming_mode "Sse"', { streamingMode: 'Sse' }, { streamingMode: 'SSE' }],
    ['max_llm_calls 1', { max_llm_calls: 1 }, { maxLlmCalls: 1 }],
    ['max_llm_calls MAX_SAFE_INTEGER', { max_llm_calls: Number.MAX_SAFE_INTEGER }, { maxLlmCalls: Number.MAX_SAFE_INTEGER }],
    ['max_llm_calls 0 as unlimited, with one warning', { max_llm_calls: 0 }, { maxLlmCalls: 0 }, [UNLIMITED_LLM_CALLS_WARNING]],
    ['max_llm_calls -1 as unlimited, with one warning', { maxLlmCalls: -1 }, { maxLlmCalls: -1 }, [UNLIMITED_LLM_CALLS_WARNING]],
    ['max_llm_calls -1 in both spellings, still one warning', { maxLlmCalls: -1, max_llm_calls: -1 }, { maxLlmCalls: -1 }, [UNLIMITED_LLM_CALLS_WARNING]],
    ['response_modalities empty', { response_modalities: [] }, { responseModalities: [] }],
    ['response_modalities with TEXT twice', { response_modalities: ['TEXT', 'text'] }, { responseModalities: ['TEXT'] }],
    ['custom_metadata', { custom_metadata: { ticket: 'T-1', tags: ['a'] } }, { customMetadata: { ticket: 'T-1', tags: ['a'] } }],
    ['save_input_blobs_as_artifacts true', { save_input_blobs_as_artifacts: true }, { saveInputBlobsAsArtifacts: true }],
    ['customMetadata null', { customMetadata: null }, {}],
    ['unsupported booleans at their default false', { support_cfc: false, saveInputBlobsAsArtifacts: false, save_live_blob: false, dedupe_tool_calls: false, pauseOnToolCalls: false }, {}],
    ['unsupported configs at their default null', { speech_config: null, realtimeInputConfig: null, proactivity: null, session_resumption: null, context_window_compression: null, tool_thread_pool_config: null }, {}],
    ['enable_affective_dialog false', { enable_affective_dialog: false }, {}],
    ['audio transcription at ADK default {} or null', { output_audio_transcription: {}, inputAudioTranscription: null }, {}],
  ])('%s', (_name, input, expected, expectedWarnings = []) => {
    const { config, warnings } = parseCollectingWarnings(input);
    expect(config).toEqual({ ...defaults, ...expected });
    expect(warnings).toEqual(expectedWarnings);
    expect(runConfigSchema.parse(config)).toEqual(config);
  });
});

describe('parseRunConfig refuses', () => {
  it.each<[string, unknown, string[]]>([
    // Input that is not an object at all.
    ['null', null, ['RunConfig: must be a JSON object, got null']],
    ['an array', [], ['RunConfig: must be a JSON object, got an array']],
    ['a string', 'SSE', ['RunConfig: must be a JSON object, got a string']],
    ['a number', 5, ['RunConfig: must be a JSON object, got a number']],
    // Unknown fields, each named.
    ['one unknown field', { foo: 1 }, ['RunConfig: foo: Unknown field']],
    ['several unknown fields, every one named', { foo: 1, barBaz: 2, max_llm_call: 3, MaxLlmCalls: 4 }, ['RunConfig: foo: Unknown field', 'RunConfig: barBaz: Unknown field', 'RunConfig: max_llm_call: Unknown field', 'RunConfig: MaxLlmCalls: Unknown field']],
    ['a Java-only field', { autoCreateSession: true }, ['RunConfig: autoCreateSession: Unknown field']],
    // Conflicting spellings.
    ['max_llm_calls spelled twice with different values', { max_llm_calls: 5, maxLlmCalls: 6 }, ['RunConfig: max_llm_calls: given as both "max_llm_calls" and "maxLlmCalls" with different values; give it once']],
    ['streaming_mode spelled twice with different values', { streamingMode: 'SSE', streaming_mode: 'NONE' }, ['RunConfig: streaming_mode: given as both "streamingMode" and "streaming_mode"']],
    // max_llm_calls values and types.
    ['max_llm_calls MAX_SAFE_INTEGER + 1', { max_llm_calls: Number.MAX_SAFE_INTEGER + 1 }, ['RunConfig: max_llm_calls: max_llm_calls should be less than or equal to 9007199254740991 (Number.MAX_SAFE_INTEGER), got 9007199254740992']],
    ['max_llm_calls 1.5', { max_llm_calls: 1.5 }, ['RunConfig: max_llm_calls: must be an integer, got 1.5']],
    ['max_llm_calls Infinity', { maxLlmCalls: Infinity }, ['RunConfig: maxLlmCalls: must be an integer, got Infinity']],
    ['max_llm_calls as a string', { max_llm_calls: '500' }, ['RunConfig: max_llm_calls: expected an integer, got a string']],
    ['max_llm_calls null', { max_llm_calls: null }, ['RunConfig: max_llm_calls: expected an integer, got null']],
    // Other wrong types and values, named by the field as written.
    ['streaming_mode as ADK enum repr', { streaming_mode: 'StreamingMode.SSE' }, ['RunConfig: streaming_mode: expected one of NONE, SSE, BIDI (any letter case) or null, got "StreamingMode.SSE"']],
    ['streaming_mode as a number', { streamingMode: 1 }, ['RunConfig: streamingMode: expected one of NONE, SSE, BIDI or null, got a number']],
    ['response_modalities as a string', { response_modalities: 'TEXT' }, ['RunConfig: response_modalities: expected a list of modalities, got a string']],
    ['an unknown modality', { responseModalities: ['TEXT', 'VIDEO'] }, ['RunConfig: responseModalities[1]: expected one of TEXT, AUDIO, IMAGE, got "VIDEO"']],
    ['support_cfc as a string', { support_cfc: 'yes' }, ['RunConfig: support_cfc: expected a boolean, got a string']],
    ['support_cfc null', { supportCfc: null }, ['RunConfig: supportCfc: expected a boolean, got null']],
    ['speech_config as a string', { speech_config: 'Kore' }, ['RunConfig: speech_config: expected a mapping or null, got a string']],
    ['custom_metadata as an array', { custom_metadata: [] }, ['RunConfig: custom_metadata: expected a mapping, got an array']],
    // Features the pipeline cannot honour, each with its reason.
    ['streaming_mode BIDI', { streaming_mode: 'BIDI' }, ['RunConfig: streaming_mode: Not supported: BIDI needs a live bidirectional connection, which the step pipeline cannot hold; use NONE or SSE']],
    ['streaming_mode "bidi"', { streamingMode: 'bidi' }, ['RunConfig: streamingMode: Not supported: BIDI needs a live bidirectional connection']],
    ['AUDIO output', { response_modalities: ['AUDIO'] }, ['RunConfig: response_modalities[0]: Not supported: AUDIO output; the step pipeline produces text only']],
    ['IMAGE output', { response_modalities: ['TEXT', 'image'] }, ['RunConfig: response_modalities[1]: Not supported: IMAGE output']],
    ['support_cfc true', { support_cfc: true }, ["RunConfig: support_cfc: Not supported: compositional function calling runs only over ADK's Live API connection, which the step pipeline cannot hold. Leave it false"]],
    ['save_input_blobs_as_artifacts not a boolean', { saveInputBlobsAsArtifacts: 'yes' }, ['RunConfig: saveInputBlobsAsArtifacts: expected a boolean, got a string']],
    ['speech_config', { speech_config: { voice_config: {} } }, ['RunConfig: speech_config: Not supported: speech synthesis applies to audio responses; the step pipeline produces text only. Leave it unset']],
    ['output_audio_transcription', { output_audio_transcription: { languageCodes: ['en'] } }, ['RunConfig: output_audio_transcription: Not supported: audio transcription applies to live audio sessions']],
    ['input_audio_transcription', { inputAudioTranscription: { languageCodes: ['en'] } }, ['RunConfig: inputAudioTranscription: Not supported: audio transcription']],
    ['realtime_input_config', { realtime_input_config: { activityHandling: 'NO_INTERRUPTION' } }, ['RunConfig: realtime_input_config: Not supported: realtime input is a Live API (run_live) feature']],
    ['enable_affective_dialog true', { enableAffectiveDialog: true }, ['RunConfig: enableAffectiveDialog: Not supported: affective dialog is a Live API (run_live) feature']],
    ['proactivity', { proactivity: { proactiveAudio: true } }, ['RunConfig: proactivity: Not supported: proactivity is a Live API']],
    ['session_resumption', { session_resumption: { transparent: true } }, ['RunConfig: session_resumption: Not supported: session resumption is a Live API']],
    ['context_window_compression', { contextWindowCompression: { slidingWindow: {} } }, ['RunConfig: contextWindowCompression: Not supported: context window compression is a Live API']],
    ['save_live_blob true', { save_live_blob: true }, ['RunConfig: save_live_blob: Not supported: saving live audio/video blobs']],
    ['save_live_audio true', { saveLiveAudio: true }, ['RunConfig: saveLiveAudio: Not supported: saving live audio']],
    ['tool_thread_pool_config', { tool_thread_pool_config: { max_workers: 4 } }, ['RunConfig: tool_thread_pool_config: Not supported: a tool thread pool is a Live API']],
    ['dedupe_tool_calls true', { dedupe_tool_calls: true }, ['RunConfig: dedupe_tool_calls: Not supported: the tool step does not deduplicate identical tool calls yet. Leave it false']],
    ['pauseOnToolCalls true (adk-js)', { pauseOnToolCalls: true }, ['RunConfig: pauseOnToolCalls: Not supported: pausing the run on every tool call']],
    // Several problems are reported together.
    ['several problems at once', { foo: 1, streaming_mode: 'BIDI', max_llm_calls: 1.5 }, ['RunConfig: foo: Unknown field', 'RunConfig: streaming_mode: Not supported: BIDI', 'RunConfig: max_llm_calls: must be an integer']],
  ])('%s', (_name, input, expectedLines) => {
    const warnings: string[] = [];
    let caught: unknown;
    try {
      parseRunConfig(input, { onWarning: (message) => warnings.push(message) });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect(caught).toBeInstanceOf(ConfigValidationError);
    const error = caught as ConfigValidationError;
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.retryable).toBe(false);
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(expectedLines.length);
    expectedLines.forEach((expected, index) => expect(lines[index]).toContain(expected));
    expect(error.problems).toHaveLength(expectedLines.length);
    expect(warnings).toEqual([]);
  });
});

describe('parseRunConfig warnings', () => {
  it('does not warn for a refused config even when max_llm_calls is 0', () => {
    const onWarning = vi.fn();
    expect(() => parseRunConfig({ max_llm_calls: 0, foo: 1 }, { onWarning })).toThrow(InvalidInputError);
    expect(onWarning).not.toHaveBeenCalled();
  });

  it('logs the unlimited warning once with console.warn when no onWarning is given', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      parseRunConfig({ max_llm_calls: -5 });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith(UNLIMITED_LLM_CALLS_WARNING);
    } finally {
      warn.mockRestore();
    }
  });

  it('copies custom_metadata so later changes to the input do not leak in', () => {
    const metadata = { tags: ['a'] };
    const config = parseRunConfig({ custom_metadata: metadata });
    metadata.tags.push('b');
    expect(config.customMetadata).toEqual({ tags: ['a'] });
  });
});

describe('llmCallLimit', () => {
  it.each([
    [500, 500],
    [1, 1],
    [0, undefined],
    [-1, undefined],
  ])('max_llm_calls %d gives limit %s', (maxLlmCalls, expected) => {
    expect(llmCallLimit({ maxLlmCalls })).toBe(expected);
  });
});

describe('toAdkRunConfigJson', () => {
  it.each<[string, RunConfig, Record<string, unknown>]>([
    ['defaults', defaults, { max_llm_calls: 500, streaming_mode: null, response_modalities: [], support_cfc: false, save_input_blobs_as_artifacts: false }],
    [
      'SSE with metadata',
      { maxLlmCalls: 0, streamingMode: 'SSE', responseModalities: ['TEXT'], customMetadata: { a: 1 } },
      { max_llm_calls: 0, streaming_mode: 'sse', response_modalities: ['TEXT'], support_cfc: false, save_input_blobs_as_artifacts: false, custom_metadata: { a: 1 } },
    ],
    [
      'input files saved as artifacts',
      { ...defaults, saveInputBlobsAsArtifacts: true },
      { max_llm_calls: 500, streaming_mode: null, response_modalities: [], support_cfc: false, save_input_blobs_as_artifacts: true },
    ],
  ])('gives ADK Python JSON for %s, which parses back to the same config', (_name, config, expected) => {
    const json = toAdkRunConfigJson(config);
    expect(json).toEqual(expected);
    expect(parseRunConfig(json, { onWarning: () => {} })).toEqual(config);
  });
});
