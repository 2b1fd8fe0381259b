import { describeType, isPlainObject } from './config-problems.ts';

/**
 * The fields of ADK's RunConfig (google/adk-python `agents/run_config.py`, plus adk-js's
 * `pauseOnToolCalls`) and what each one may be here. The step pipeline has no live connection, so
 * every Live-API feature is accepted only at ADK's own default, which changes nothing; any other
 * value is refused with the reason, never silently ignored (docs/architecture.md, "RunConfig and the LLM-call budget").
 */

/** The normalised RunConfig being built while fields are read. */
export interface RunConfigDraft {
  maxLlmCalls: number;
  streamingMode: 'NONE' | 'SSE';
  responseModalities: 'TEXT'[];
  saveInputBlobsAsArtifacts?: boolean;
  customMetadata?: Record<string, unknown>;
}

export interface FieldContext {
  draft: RunConfigDraft;
  /** Records a problem at this field, or at `subPath` below it (e.g. `[1]`). */
  report(message: string, subPath?: string): void;
  warn(message: string): void;
}

type FieldRule = (value: unknown, context: FieldContext) => void;

/** ADK's default; also adk-js's and adk-java's. */
export const DEFAULT_MAX_LLM_CALLS = 500;

/** ADK Python's warning text, verbatim, so logs read the same as ADK's. */
export const UNLIMITED_LLM_CALLS_WARNING =
  'max_llm_calls is less than or equal to 0. This will result in no enforcement on total number' +
  ' of llm calls that will be made for a run. This may not be ideal, as this could result in a' +
  ' never ending communication between the model and the agent in certain cases.';

const maxLlmCalls: FieldRule = (value, context) => {
  if (typeof value !== 'number') return context.report(`expected an integer, got ${describeType(value)}`);
  if (!Number.isInteger(value)) return context.report(`must be an integer, got ${value}`);
  // ADK Python refuses sys.maxsize, adk-js anything above MAX_SAFE_INTEGER: past it a JSON
  // number no longer counts calls exactly.
  if (value > Number.MAX_SAFE_INTEGER) {
    return context.report(
      `max_llm_calls should be less than or equal to ${Number.MAX_SAFE_INTEGER} (Number.MAX_SAFE_INTEGER), got ${value}`,
    );
  }
  context.draft.maxLlmCalls = value === 0 ? 0 : value; // folds -0 into 0
  if (value <= 0) context.warn(UNLIMITED_LLM_CALLS_WARNING);
};

const streamingMode: FieldRule = (value, context) => {
  // ADK Python's StreamingMode.NONE has the value None, so its JSON form is null.
  if (value === null) return void (context.draft.streamingMode = 'NONE');
  if (typeof value !== 'string') {
    return context.report(`expected one of NONE, SSE, BIDI or null, got ${describeType(value)}`);
  }
  const mode = value.toUpperCase();
  if (mode === 'NONE' || mode === 'SSE') return void (context.draft.streamingMode = mode);
  if (mode === 'BIDI') {
    return context.report(
      'Not supported: BIDI needs a live bidirectional connection, which the step pipeline cannot hold; use NONE or SSE',
    );
  }
  context.report(`expected one of NONE, SSE, BIDI (any letter case) or null, got "${value}"`);
};

const responseModalities: FieldRule = (value, context) => {
  if (value === null) return void (context.draft.responseModalities = []);
  if (!Array.isArray(value)) return context.report(`expected a list of modalities, got ${describeType(value)}`);
  const modalities = new Set<'TEXT'>();
  value.forEach((item: unknown, index) => {
    const upper = typeof item === 'string' ? item.toUpperCase() : undefined;
    if (upper === 'TEXT') modalities.add('TEXT');
    else if (upper === 'AUDIO' || upper === 'IMAGE') {
      context.report(`Not supported: ${upper} output; the step pipeline produces text only. Use ["TEXT"] or leave it unset`, `[${index}]`);
    } else {
      context.report(`expected one of TEXT, AUDIO, IMAGE, got ${typeof item === 'string' ? `"${item}"` : describeType(item)}`, `[${index}]`);
    }
  });
  context.draft.responseModalities = [...modalities];
};

const customMetadata: FieldRule = (value, context) => {
  if (value === null) return;
  if (!isPlainObject(value)) return context.report(`expected a mapping, got ${describeType(value)}`);
  // A copy, so later changes to the caller's object cannot reach the stored config.
  context.draft.customMetadata = structuredClone(value);
};

/** ADK type `bool`, default false: false is accepted; true is refused because of `why`. */
function falseOnly(why: string, options: { nullable?: boolean } = {}): FieldRule {
  return (value, context) => {
    if (value === false || (options.nullable && value === null)) return;
    if (value === true) return context.report(`Not supported: ${why}. Leave it false`);
    context.report(`expected a boolean${options.nullable ? ' or null' : ''}, got ${describeType(value)}`);
  };
}

/**
 * ADK type `Optional[SomeConfig]`: unset/null is accepted; any config is refused. `emptyIsDefault`
 * accepts `{}` too, for the transcription configs whose ADK default is an empty config.
 */
function unsetOnly(why: string, options: { emptyIsDefault?: boolean } = {}): FieldRule {
  return (value, context) => {
    if (value === null) return;
    if (!isPlainObject(value)) return context.report(`expected a mapping or null, got ${describeType(value)}`);
    if (options.emptyIsDefault && Object.keys(value).length === 0) return;
    context.report(`Not supported: ${why}. Leave it unset`);
  };
}

const liveOnly = (feature: string): string =>
  `${feature} is a Live API (run_live) feature, and the step pipeline cannot hold a live connection`;

/**
 * Every ADK RunConfig field by its snake_case name (camelCase is derived), in ADK's order.
 * Java-only fields (avatarConfig, toolExecutionMode, autoCreateSession, ...) are left out: ADK
 * Java's RunConfig is a builder, not a serialised shape, so they never arrive as JSON.
 */
export const runConfigFieldRules: Readonly<Record<string, FieldRule>> = {
  speech_config: unsetOnly('speech synthesis applies to audio responses; the step pipeline produces text only'),
  response_modalities: responseModalities,
  // A run's input files are artifacts either way (they cannot ride in its documents); with this
  // set the model is told their names instead of shown them, as ADK does (handle-submission.ts).
  save_input_blobs_as_artifacts: (value, context) => {
    if (typeof value !== 'boolean') return context.report(`expected a boolean, got ${describeType(value)}`);
    context.draft.saveInputBlobsAsArtifacts = value;
  },
  support_cfc: falseOnly("compositional function calling runs only over ADK's Live API connection, which the step pipeline cannot hold"),
  streaming_mode: streamingMode,
  // ADK's default for both transcriptions is an empty AudioTranscriptionConfig, so `{}` is what
  // ADK itself serialises; it only takes effect in live audio sessions.
  output_audio_transcription: unsetOnly('audio transcription applies to live audio sessions; the step pipeline exchanges text only', { emptyIsDefault: true }),
  input_audio_transcription: unsetOnly('audio transcription applies to live audio sessions; the step pipeline exchanges text only', { emptyIsDefault: true }),
  realtime_input_config: unsetOnly(liveOnly('realtime input')),
  enable_affective_dialog: falseOnly(liveOnly('affective dialog'), { nullable: true }),
  proactivity: unsetOnly(liveOnly('proactivity')),
  session_resumption: unsetOnly(liveOnly('session resumption')),
  context_window_compression: unsetOnly(liveOnly('context window compression')),
  save_live_blob: falseOnly(liveOnly('saving live audio/video blobs')),
  tool_thread_pool_config: unsetOnly(`${liveOnly('a tool thread pool')}; tools run as their own step functions here`),
  save_live_audio: falseOnly(liveOnly('saving live audio (deprecated in ADK for save_live_blob)')),
  max_llm_calls: maxLlmCalls,
  dedupe_tool_calls: falseOnly('the tool step does not deduplicate identical tool calls yet'),
  custom_metadata: customMetadata,
  // adk-js only (`pauseOnToolCalls`).
  pause_on_tool_calls: falseOnly('pausing the run on every tool call for client-side execution is not supported yet'),
};
