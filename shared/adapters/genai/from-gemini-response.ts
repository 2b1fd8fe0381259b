import type { GenerateContentResponseUsageMetadata, Part as GeminiPart } from '@google/genai';
import { partSchema, type Part, type Usage } from '../../domain/content.ts';
import { PermanentDependencyError, TransientError } from '../../domain/errors.ts';
import type { ModelResponse } from '../../ports/model-client.ts';

/**
 * The fields of a `GenerateContentResponse` we read. Both the SDK's parsed response and raw wire
 * JSON (as a test server sends it) fit, so finish and block reasons are plain strings here.
 */
export interface GeminiResponseJson {
  candidates?: {
    content?: { role?: string; parts?: GeminiPart[] };
    finishReason?: string;
    finishMessage?: string;
    continuationToken?: string;
    index?: number;
    safetyRatings?: unknown[];
    citationMetadata?: unknown;
  }[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
  usageMetadata?: GenerateContentResponseUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}

/**
 * Translates one non-streamed response. Parts are returned exactly as received (no merging).
 * Throws `PermanentDependencyError` `MODEL_RESPONSE_BLOCKED` when the prompt was blocked or the
 * answer withheld (a withholding finish reason and no part), `MODEL_RESPONSE_EMPTY` when the
 * output token limit was reached before any part, a `TransientError` `MODEL_RESPONSE_EMPTY` when no
 * candidate came back at all (an empty body is not a block), and `MODEL_RESPONSE_INVALID` when a
 * part does not have Gemini's shape.
 */
export function fromGeminiResponse(response: GeminiResponseJson): ModelResponse {
  return toModelResponse([response], false);
}

/**
 * Merges the chunks of one streamed answer into a single model turn: adjacent plain text parts
 * with the same `thought` flag are concatenated, every other part (function calls, parts carrying
 * a `thoughtSignature`) stays whole and in order. Usage, finish reason and model version come from
 * the last chunk that has them: the API reports running totals, so summing would over-count.
 * Throws like `fromGeminiResponse`.
 */
export function fromGeminiStream(chunks: readonly GeminiResponseJson[]): ModelResponse {
  return toModelResponse(chunks, true);
}

/** Finish reasons that mean the answer was withheld (Gemini's FinishReason values). */
const withheldFinishReasons = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'LANGUAGE']);

/** A candidate without a single part: blocked only when its finish reason says so. */
function refuseEmptyAnswer(finishReason: string | undefined): void {
  if (finishReason !== undefined && withheldFinishReasons.has(finishReason)) {
    throw new PermanentDependencyError('MODEL_RESPONSE_BLOCKED', `The model withheld its answer (finishReason ${finishReason})`);
  }
  if (finishReason === 'MAX_TOKENS') {
    throw new PermanentDependencyError(
      'MODEL_RESPONSE_EMPTY',
      'The model reached its output token limit before answering anything (finishReason MAX_TOKENS): raise generate_content_config.max_output_tokens, or lower the thinking budget',
    );
  }
}

function toModelResponse(chunks: readonly GeminiResponseJson[], streamed: boolean): ModelResponse {
  const mergeText = streamed;
  const feedback = chunks.find((chunk) => chunk.promptFeedback?.blockReason)?.promptFeedback;
  if (feedback?.blockReason) {
    const detail = feedback.blockReasonMessage ? `: ${feedback.blockReasonMessage}` : '';
    throw new PermanentDependencyError(
      'MODEL_RESPONSE_BLOCKED',
      `The model blocked the prompt (${feedback.blockReason})${detail}`,
    );
  }
  const candidates = chunks.flatMap((chunk) => chunk.candidates?.slice(0, 1) ?? []);
  if (candidates.length === 0) {
    // Nothing blocked it: the body was empty, which a later request usually is not.
    throw new TransientError(
      `The model answered with no candidates and no block reason (an empty ${streamed ? 'stream' : 'response'})`,
      { code: 'MODEL_RESPONSE_EMPTY' },
    );
  }
  const parts = validateParts(candidates.flatMap((candidate) => candidate.content?.parts ?? []));
  const finishReason = lastDefined(candidates.map((candidate) => candidate.finishReason));
  if (parts.length === 0) refuseEmptyAnswer(finishReason);
  const response: ModelResponse = {
    content: { role: 'model', parts: mergeText ? mergeTextParts(parts) : parts },
    usage: toUsage(lastDefined(chunks.map((chunk) => chunk.usageMetadata))),
    chunkCount: chunks.length,
  };
  if (finishReason !== undefined) response.finishReason = finishReason;
  const modelVersion = lastDefined(chunks.map((chunk) => chunk.modelVersion));
  if (modelVersion !== undefined) response.modelVersion = modelVersion;
  return response;
}

// The model response is a trust boundary (docs/architecture.md, "Trust boundaries"); the part schema is open, so unknown keys and
// signatures survive the parse unchanged.
function validateParts(parts: readonly GeminiPart[]): Part[] {
  const result = partSchema.array().safeParse(parts);
  if (!result.success) {
    throw new PermanentDependencyError(
      'MODEL_RESPONSE_INVALID',
      `The model returned a part of unexpected shape: ${result.error.message}`,
      { cause: result.error },
    );
  }
  return result.data;
}

// Only parts with nothing but text (and the thought flag) are merged: a part with a signature
// must not be joined with another one, or the signature no longer matches its part.
function isPlainText(part: Part): boolean {
  return (
    typeof part.text === 'string' && Object.keys(part).every((key) => key === 'text' || key === 'thought')
  );
}

function mergeTextParts(parts: readonly Part[]): Part[] {
  const merged: Part[] = [];
  for (const part of parts) {
    const previous = merged.at(-1);
    if (
      previous !== undefined &&
      isPlainText(previous) &&
      isPlainText(part) &&
      (previous.thought === true) === (part.thought === true)
    ) {
      merged[merged.length - 1] = { ...previous, text: `${previous.text}${part.text}` };
    } else {
      merged.push(part);
    }
  }
  return merged;
}

function lastDefined<T>(values: readonly (T | undefined)[]): T | undefined {
  return values.findLast((value) => value !== undefined);
}

// Copies only our fields: the SDK adds per-modality details and a non-enumerable
// `initialPromptTokenCount` getter that do not belong in a stored record.
function toUsage(metadata: GenerateContentResponseUsageMetadata | undefined): Usage {
  const usage: Usage = {};
  if (metadata === undefined) return usage;
  const keys = [
    'promptTokenCount',
    'candidatesTokenCount',
    'thoughtsTokenCount',
    'toolUsePromptTokenCount',
    'cachedContentTokenCount',
    'totalTokenCount',
  ] as const;
  for (const key of keys) {
    const value = metadata[key];
    if (typeof value === 'number') usage[key] = value;
  }
  return usage;
}

/** The visible text of one streamed chunk (its first candidate's text parts, thoughts left out); '' when none. */
export function visibleTextOfChunk(chunk: GeminiResponseJson): string {
  const parts = chunk.candidates?.[0]?.content?.parts ?? [];
  return parts.map((part) => (typeof part.text === 'string' && part.thought !== true ? part.text : '')).join('');
}
