import type { Content, Usage } from '../domain/content.ts';

/** The error code of a model request that got no answer within its time (client timeout or HTTP 504). */
export const modelTimeoutCodes: ReadonlySet<string> = new Set(['MODEL_TIMEOUT', 'DEADLINE_EXCEEDED']);

/** A function the model may call, described with a JSON Schema for its arguments. */
export interface FunctionDeclaration {
  name: string;
  description: string;
  parametersJsonSchema: Record<string, unknown>;
}

export interface ModelRequest {
  /** Model id as written in the agent config, e.g. `gemini-2.5-flash`. */
  model: string;
  systemInstruction?: string;
  /** The whole conversation so far, oldest first. */
  contents: Content[];
  functionDeclarations: FunctionDeclaration[];
  /** ADK `generate_content_config`, already validated; passed through as generation config. */
  generationConfig?: Record<string, unknown>;
  /** `SSE` streams the answer (`generateContentStream`); `NONE` asks once. */
  streaming: 'NONE' | 'SSE';
}

export interface ModelResponse {
  /** The model turn with every part as received (thought signatures intact). */
  content: Content;
  /** Usage of this call: the last chunk's usage when streamed, never a sum of chunks. */
  usage: Usage;
  finishReason?: string;
  modelVersion?: string;
  /** How many chunks a streamed answer arrived in (1 when not streamed). */
  chunkCount: number;
}

/**
 * Sends one request to a model. Throws `TransientError` (with `retryDelayMs` from the server's
 * RetryInfo when present) for 429/5xx/network failures and `PermanentDependencyError` carrying the
 * API's own message for other 4xx. Not idempotent: every call is a billable model request.
 */
export interface ModelClient {
  generate(request: ModelRequest, observer?: ModelStreamObserver): Promise<ModelResponse>;
}

/**
 * Told of an `SSE` answer's visible text as it arrives (thoughts left out), in order; the
 * response `generate` resolves with stays the answer. Never called for `NONE`, and a client that
 * cannot stream may never call it. Must not throw.
 */
export interface ModelStreamObserver {
  onText(text: string): void;
}
