import type { IncomingHttpHeaders } from 'node:http';
import type { GeminiResponseJson } from '../adapters/genai/from-gemini-response.ts';
import type { Content, Part, Usage } from '../domain/content.ts';

/**
 * What `startGeminiWireServer` answers to one request. `delayMs` waits before answering;
 * `until` holds the answer until the promise settles (a request kept in flight while a test acts).
 */
export type Reply = (
  /** A whole `GenerateContentResponse`; a streaming request receives it as a single SSE chunk. */
  | { response: GeminiResponseJson }
  /** SSE chunks, in order; only valid for `streamGenerateContent`. */
  | { chunks: GeminiResponseJson[] }
  /** An HTTP error with Google's JSON error body (plus a RetryInfo detail when `retryDelay` is set). */
  | { error: GeminiErrorSpec }
) & { delayMs?: number; until?: Promise<unknown> };

export interface GeminiErrorSpec {
  /** HTTP status, e.g. 429. */
  code: number;
  /** Canonical status, e.g. `RESOURCE_EXHAUSTED`. */
  status: string;
  message: string;
  /** Protobuf duration such as `"2s"`; adds a `google.rpc.RetryInfo` detail. */
  retryDelay?: string;
}

/** The request body as the SDK put it on the wire (parsed JSON, not validated). */
export interface GeminiRequestBody {
  contents: Content[];
  systemInstruction?: { role?: string; parts: Part[] };
  tools?: { functionDeclarations?: { name: string; description?: string; parametersJsonSchema?: unknown }[] }[];
  generationConfig?: Record<string, unknown>;
}

export interface RecordedRequest {
  /** URL path, e.g. `/v1beta/models/gemini-2.5-flash:generateContent`. */
  path: string;
  /** Model id from the URL, without the `models/` prefix. */
  model: string;
  /** True for `streamGenerateContent`. */
  stream: boolean;
  body: GeminiRequestBody;
  headers: IncomingHttpHeaders;
}

const defaultUsage: Usage = { promptTokenCount: 12, candidatesTokenCount: 8, totalTokenCount: 20 };

/** A final text answer, `finishReason: STOP`. */
export function textReply(text: string, usage: Usage = defaultUsage): Reply {
  return modelTurn([{ text }], usage);
}

/**
 * One model turn calling the given functions, in order. Gemini 2.5 puts the turn's
 * `thoughtSignature` on the first function call part only, so that is where it goes here.
 */
export function functionCallReply(
  calls: { name: string; args: Record<string, unknown>; id?: string }[],
  options: { thoughtSignature?: string; usage?: Usage } = {},
): Reply {
  const parts = calls.map((call, index): Part => {
    const part: Part = { functionCall: call.id === undefined ? { name: call.name, args: call.args } : call };
    if (index === 0 && options.thoughtSignature !== undefined) part.thoughtSignature = options.thoughtSignature;
    return part;
  });
  return modelTurn(parts, options.usage ?? defaultUsage);
}

/** An HTTP error in Google's format, e.g. `errorReply(429, 'RESOURCE_EXHAUSTED', 'Quota…', '2s')`. */
export function errorReply(code: number, status: string, message: string, retryDelay?: string): Reply {
  return { error: retryDelay === undefined ? { code, status, message } : { code, status, message, retryDelay } };
}

/** Google's JSON error body for an error reply, as the real API sends it. */
export function googleErrorBody(error: GeminiErrorSpec): Record<string, unknown> {
  const details =
    error.retryDelay === undefined
      ? []
      : [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: error.retryDelay }];
  return {
    error: {
      code: error.code,
      message: error.message,
      status: error.status,
      ...(details.length > 0 ? { details } : {}),
    },
  };
}

function modelTurn(parts: Part[], usage: Usage): Reply {
  return {
    response: {
      candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
      usageMetadata: usage,
      modelVersion: 'gemini-2.5-flash',
    },
  };
}
