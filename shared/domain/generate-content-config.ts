import { z } from 'zod';
import {
  camelToSnake,
  describeType,
  isPlainObject,
  joinPath,
  readKnownFields,
  snakeToCamel,
  type ConfigProblem,
} from './config-problems.ts';
import { readSafetySettings, readThinkingConfig, safetySettingSchema, thinkingConfigSchema } from './generate-content-config-parts.ts';

/**
 * The generation config a model step sends, in the Gemini API's camelCase (the keys of
 * `@google/genai`'s GenerateContentConfig, passed through as they are). Ranges were checked when
 * the agent config was parsed; this schema checks the stored shape.
 */
export const generationConfigSchema = z.strictObject({
  temperature: z.number().optional(),
  topP: z.number().optional(),
  topK: z.number().int().optional(),
  candidateCount: z.number().int().optional(),
  maxOutputTokens: z.number().int().optional(),
  stopSequences: z.array(z.string()).optional(),
  presencePenalty: z.number().optional(),
  frequencyPenalty: z.number().optional(),
  seed: z.number().int().optional(),
  responseMimeType: z.string().optional(),
  thinkingConfig: thinkingConfigSchema.optional(),
  safetySettings: z.array(safetySettingSchema).optional(),
});
export type GenerationConfig = z.infer<typeof generationConfigSchema>;

/** Returns the problem with a value, or undefined when it is acceptable. */
type Check = (value: unknown) => string | undefined;

interface Bounds {
  integer?: boolean;
  min?: number;
  max?: number;
  /** The upper bound itself is not allowed (the penalties' range is [-2, 2)). */
  maxExclusive?: boolean;
}

function numberCheck(bounds: Bounds): Check {
  return (value) => {
    if (typeof value !== 'number') return `expected ${bounds.integer ? 'an integer' : 'a number'}, got ${describeType(value)}`;
    if (bounds.integer ? !Number.isInteger(value) : !Number.isFinite(value)) {
      return `must be ${bounds.integer ? 'an integer' : 'a finite number'}, got ${value}`;
    }
    const { min, max } = bounds;
    const aboveMax = max !== undefined && (bounds.maxExclusive ? value >= max : value > max);
    if ((min !== undefined && value < min) || aboveMax) {
      if (max === undefined) return `must be at least ${min}, got ${value}`;
      return `must be from ${min} to ${max}${bounds.maxExclusive ? ' (exclusive)' : ''}, got ${value}`;
    }
    return undefined;
  };
}

const MAX_STOP_SEQUENCES = 5; // Gemini API limit

const stopSequences: Check = (value) => {
  if (!Array.isArray(value)) return `expected a list of strings, got ${describeType(value)}`;
  if (value.length > MAX_STOP_SEQUENCES) return `at most ${MAX_STOP_SEQUENCES} stop sequences are allowed, got ${value.length}`;
  const bad = value.findIndex((item) => typeof item !== 'string' || item === '');
  return bad === -1 ? undefined : `item ${bad} must be a non-empty string, got ${describeType(value[bad])}`;
};

const responseMimeType: Check = (value) => {
  if (value === 'text/plain' || value === 'application/json') return undefined;
  if (value === 'text/x.enum') {
    return 'Not supported: "text/x.enum" needs a response schema, which ADK takes only from output_schema (not supported yet)';
  }
  const shown = typeof value === 'string' ? `"${value}"` : describeType(value);
  return `expected "text/plain" or "application/json", got ${shown}`;
};

const candidateCount: Check = (value) =>
  numberCheck({ integer: true, min: 1 })(value) ??
  (value === 1 ? undefined : `Not supported: ${String(value)}; a run follows one conversation, so only 1 candidate can be used`);

/** Fields we validate and pass on, with the Gemini API's documented ranges. */
const scalarChecks: Readonly<Record<string, Check>> = {
  temperature: numberCheck({ min: 0, max: 2 }),
  top_p: numberCheck({ min: 0, max: 1 }),
  top_k: numberCheck({ integer: true, min: 1 }),
  candidate_count: candidateCount,
  max_output_tokens: numberCheck({ integer: true, min: 1 }),
  stop_sequences: stopSequences,
  presence_penalty: numberCheck({ min: -2, max: 2, maxExclusive: true }),
  frequency_penalty: numberCheck({ min: -2, max: 2, maxExclusive: true }),
  seed: numberCheck({ integer: true, min: -(2 ** 31), max: 2 ** 31 - 1 }),
  response_mime_type: responseMimeType,
};

const NOT_YET = 'is not supported by agentline yet';

/**
 * GenerateContentConfig fields we know and refuse when set to anything but an empty value. The
 * first three are ADK's own refusals (LlmAgent.validate_generate_content_config), in ADK's words;
 * ADK refuses only `http_options.base_url`, we refuse all of `http_options` because the model
 * request port carries no transport settings.
 */
const refusedFields: Readonly<Record<string, string>> = {
  tools: 'All tools must be set via LlmAgent.tools (the `tools` field of the agent config).',
  system_instruction: 'System instruction must be set via LlmAgent.instruction (the `instruction` field).',
  response_schema: 'Response schema must be set via LlmAgent.output_schema (not supported yet).',
  http_options: 'Transport settings belong to the model client of the deployment, not to an agent.',
  tool_config: `Not supported: the step pipeline decides function calling; tool_config ${NOT_YET}.`,
  automatic_function_calling: 'Not supported: tools are run by the step pipeline, never by the SDK.',
  response_modalities: 'Not supported: the step pipeline produces text only.',
  speech_config: 'Not supported: the step pipeline produces text only.',
  audio_timestamp: 'Not supported: the step pipeline produces text only.',
  image_config: 'Not supported: the step pipeline produces text only.',
  media_resolution: `Not supported: media_resolution ${NOT_YET}.`,
  response_json_schema: `Not supported: response_json_schema ${NOT_YET}.`,
  response_logprobs: `Not supported: log probabilities ${NOT_YET}.`,
  logprobs: `Not supported: log probabilities ${NOT_YET}.`,
  cached_content: `Not supported: cached_content ${NOT_YET}.`,
  labels: `Not supported: labels ${NOT_YET}.`,
  routing_config: `Not supported: routing_config ${NOT_YET}.`,
  model_selection_config: `Not supported: model_selection_config ${NOT_YET}.`,
};

const KNOWN_FIELDS = [...Object.keys(scalarChecks), 'thinking_config', 'safety_settings', ...Object.keys(refusedFields)];

/**
 * Converts ADK's `generate_content_config` (google-genai's GenerateContentConfig, whose pydantic
 * model accepts snake_case and camelCase alike) into the camelCase generation config the Gemini
 * API takes. Unset (`null`) and empty configs give `config: undefined`.
 *
 * @param path where the config sits in the document, used in every problem's path.
 * @returns the config when `problems` is empty; never throws for bad input.
 */
export function parseGenerateContentConfig(
  input: unknown,
  path = 'generate_content_config',
): { config: GenerationConfig | undefined; problems: ConfigProblem[] } {
  if (input === null || input === undefined) return { config: undefined, problems: [] };
  if (!isPlainObject(input)) {
    return { config: undefined, problems: [{ path, message: `expected a mapping, got ${describeType(input)}` }] };
  }
  const { fields, problems } = readKnownFields(input, KNOWN_FIELDS, path, { acceptCamelCase: true });
  const config: Record<string, unknown> = {};
  for (const [name, { key, value }] of fields) {
    const fieldPath = joinPath(path, key);
    // google-genai treats null as unset; so do we.
    if (value === null) continue;
    const refusal = refusedFields[name];
    const check = scalarChecks[name];
    if (refusal !== undefined) {
      // ADK refuses only a truthy value (`if config.tools:`); an empty one changes nothing.
      if (!isEmpty(value)) problems.push({ path: fieldPath, message: refusal });
    } else if (check !== undefined) {
      const problem = check(value);
      if (problem === undefined) config[snakeToCamel(name)] = Array.isArray(value) ? [...value] : value;
      else problems.push({ path: fieldPath, message: problem });
    } else if (name === 'thinking_config') {
      const thinking = readThinkingConfig(value, fieldPath, problems);
      if (thinking !== undefined) config.thinkingConfig = thinking;
    } else if (name === 'safety_settings') {
      const settings = readSafetySettings(value, fieldPath, problems);
      if (settings !== undefined) config.safetySettings = settings;
    }
  }
  if (problems.length > 0 || Object.keys(config).length === 0) return { config: undefined, problems };
  return { config: generationConfigSchema.parse(config), problems };
}

function isEmpty(value: unknown): boolean {
  if (value === '' || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

/**
 * The config back in ADK's snake_case spelling (`top_p`, `thinking_config.thinking_budget`), for
 * writing an agent config out. `parseGenerateContentConfig` of the result gives the same config.
 */
export function toAdkGenerateContentConfig(config: GenerationConfig): Record<string, unknown> {
  return snakeCaseKeys(config) as Record<string, unknown>;
}

// Safe to convert every key: a generation config holds no user-named keys (no free-form maps).
function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (!isPlainObject(value)) return value;
  const converted: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) converted[camelToSnake(key)] = snakeCaseKeys(item);
  }
  return converted;
}
