import { z } from 'zod';
import { ConfigValidationError, describeType, isPlainObject, readKnownFields } from './config-problems.ts';
import { DEFAULT_MAX_LLM_CALLS, runConfigFieldRules, type RunConfigDraft } from './run-config-fields.ts';

/**
 * The normalised RunConfig a run stores and the pipeline obeys (ADK RunConfig semantics,
 * docs/architecture.md, "RunConfig and the LLM-call budget"). Only what the pipeline can honour has a place here; everything else
 * is refused by `parseRunConfig`.
 */
export const runConfigSchema = z.strictObject({
  /** ADK `max_llm_calls`: model requests a run may send; ≤ 0 means unlimited. */
  maxLlmCalls: z.number().int().max(Number.MAX_SAFE_INTEGER),
  /** `SSE` streams each model answer; `NONE` asks once. BIDI is never stored. */
  streamingMode: z.enum(['NONE', 'SSE']),
  /** Empty (ADK's unset) or `['TEXT']`. */
  responseModalities: z.array(z.literal('TEXT')),
  /** ADK `save_input_blobs_as_artifacts`: the model is told the input files' names, not shown them. */
  saveInputBlobsAsArtifacts: z.literal(true).optional(),
  /** ADK `custom_metadata`: caller data kept with the run, never interpreted. */
  customMetadata: z.record(z.string(), z.unknown()).optional(),
});
export type RunConfig = z.infer<typeof runConfigSchema>;

export interface ParseRunConfigOptions {
  /** Receives warnings such as ADK's "unlimited llm calls" one; defaults to `console.warn`. */
  onWarning?: (message: string) => void;
}

/** Prefix of every problem line in a RunConfig error. */
const SOURCE = 'RunConfig';

/**
 * Validates a RunConfig as ADK spells it — snake_case (Python) or camelCase (TypeScript/Java),
 * `streaming_mode` in any letter case — and returns the normalised form. `undefined` means no
 * RunConfig was given and yields the defaults. Warnings are reported only for a config that is
 * accepted, at most once each.
 *
 * @throws ConfigValidationError (an InvalidInputError, code INVALID_ARGUMENT) naming every
 *   problem: unknown fields, wrong types, conflicting spellings, features the pipeline cannot
 *   honour. Unsupported features use INVALID_ARGUMENT rather than FAILED_PRECONDITION because the
 *   caller must change the request; no change of server state would make it succeed (AIP-193).
 */
export function parseRunConfig(input: unknown, options: ParseRunConfigOptions = {}): RunConfig {
  const onWarning = options.onWarning ?? ((message: string) => console.warn(message));
  const draft: RunConfigDraft = { maxLlmCalls: DEFAULT_MAX_LLM_CALLS, streamingMode: 'NONE', responseModalities: [] };
  if (input === undefined) return finish(draft);
  if (!isPlainObject(input)) {
    throw new ConfigValidationError(SOURCE, [{ path: '', message: `must be a JSON object, got ${describeType(input)}` }]);
  }

  const { fields, problems } = readKnownFields(input, Object.keys(runConfigFieldRules), '', { acceptCamelCase: true });
  const warnings: string[] = [];
  for (const [name, given] of fields) {
    const rule = runConfigFieldRules[name];
    if (!rule) continue; // unreachable: readKnownFields only returns known names
    rule(given.value, {
      draft,
      report: (message, subPath = '') => problems.push({ path: given.key + subPath, message }),
      warn: (message) => warnings.push(message),
    });
  }
  if (problems.length > 0) throw new ConfigValidationError(SOURCE, problems);
  for (const message of new Set(warnings)) onWarning(message);
  return finish(draft);
}

function finish(draft: RunConfigDraft): RunConfig {
  const config: RunConfig = {
    maxLlmCalls: draft.maxLlmCalls,
    streamingMode: draft.streamingMode,
    responseModalities: draft.responseModalities,
  };
  if (draft.saveInputBlobsAsArtifacts) config.saveInputBlobsAsArtifacts = true;
  if (draft.customMetadata !== undefined) config.customMetadata = draft.customMetadata;
  return config;
}

/** The model-call limit, or undefined when the run may call the model without limit (≤ 0). */
export function llmCallLimit(config: Pick<RunConfig, 'maxLlmCalls'>): number | undefined {
  return config.maxLlmCalls > 0 ? config.maxLlmCalls : undefined;
}

/**
 * The config in ADK Python's JSON spelling, for display and for handing to ADK. Values are the
 * ones ADK's pydantic model accepts back: `streaming_mode` is null for NONE and `"sse"` for SSE.
 * `parseRunConfig` of the result gives the same RunConfig.
 */
export function toAdkRunConfigJson(config: RunConfig): Record<string, unknown> {
  const json: Record<string, unknown> = {
    max_llm_calls: config.maxLlmCalls,
    streaming_mode: config.streamingMode === 'SSE' ? 'sse' : null,
    response_modalities: [...config.responseModalities],
    support_cfc: false,
    save_input_blobs_as_artifacts: config.saveInputBlobsAsArtifacts === true,
  };
  if (config.customMetadata !== undefined) json.custom_metadata = structuredClone(config.customMetadata);
  return json;
}
