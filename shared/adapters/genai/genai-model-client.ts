import type { GenerateContentParameters, GenerateContentResponse, GoogleGenAI } from '@google/genai';
import type { ModelClient, ModelRequest, ModelResponse, ModelStreamObserver } from '../../ports/model-client.ts';
import { TransientError } from '../../domain/errors.ts';
import { fromGeminiError } from './from-gemini-error.ts';
import { fromGeminiResponse, fromGeminiStream, visibleTextOfChunk } from './from-gemini-response.ts';
import { toGeminiRequest } from './to-gemini-request.ts';

/**
 * Every HTTP request must be one the run's budget counts, so the SDK may not add requests of its
 * own. In @google/genai v3.1.0:
 * - `automaticContinuation` defaults to true: a response ending with a continuation token is
 *   re-requested and the usage of the hops is summed into one answer;
 * - HTTP retries happen only when `httpOptions.retryOptions` is set (then 5 attempts by default);
 *   pinning one attempt per call keeps that true even if the composition root sets retry options;
 * - automatic function calling only runs for callable tools, which we never pass; disabled anyway.
 */
const oneRequestPerCall = {
  automaticContinuation: false,
  automaticFunctionCalling: { disable: true },
  httpOptions: { retryOptions: { attempts: 1 } },
} satisfies GenerateContentParameters['config'];

/**
 * `ModelClient` over the `@google/genai` SDK (Gemini API or Vertex AI, as the given client was
 * configured). Streaming `SSE` uses `generateContentStream`, tells the observer each chunk's text
 * and merges the chunks; `NONE` uses
 * `generateContent`. Makes exactly one HTTP request per `generate` call; errors are mapped by
 * `fromGeminiError` (transient: 408/429/5xx/network; permanent: other 4xx).
 */
export class GenAiModelClient implements ModelClient {
  readonly #ai: GoogleGenAI;
  readonly #requestTimeoutMs: number | undefined;

  /**
   * @param ai built once by the composition root (see `genAiOptionsFromEnv`).
   * @param options.requestTimeoutMs abort a request after this long (a TransientError); keep it
   *   below the model step's lease, so a hung call ends before another attempt may take over.
   */
  constructor(ai: GoogleGenAI, options: { requestTimeoutMs?: number } = {}) {
    this.#ai = ai;
    this.#requestTimeoutMs = options.requestTimeoutMs;
  }

  async generate(request: ModelRequest, observer?: ModelStreamObserver): Promise<ModelResponse> {
    const params = toGeminiRequest(request);
    const httpOptions = { ...oneRequestPerCall.httpOptions, ...(this.#requestTimeoutMs ? { timeout: this.#requestTimeoutMs } : {}) };
    const withOneRequest = { ...params, config: { ...params.config, ...oneRequestPerCall, httpOptions } };
    if (request.streaming === 'SSE') {
      return fromGeminiStream(await this.#collectStream(withOneRequest, observer));
    }
    return fromGeminiResponse(await this.#send(() => this.#ai.models.generateContent(withOneRequest)));
  }

  // Errors can surface when the stream opens or while it is read; both are the SDK's errors.
  async #collectStream(params: GenerateContentParameters, observer: ModelStreamObserver | undefined): Promise<GenerateContentResponse[]> {
    return this.#send(async () => {
      const chunks: GenerateContentResponse[] = [];
      for await (const chunk of await this.#ai.models.generateContentStream(params)) {
        chunks.push(chunk);
        const text = observer ? visibleTextOfChunk(chunk) : '';
        if (text) observer!.onText(text);
      }
      return chunks;
    });
  }

  // Only the SDK call is wrapped: mapping the response throws our own errors, which must not be
  // re-interpreted as transport failures.
  async #send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const mapped = fromGeminiError(error);
      if (mapped.code === 'MODEL_TIMEOUT' && this.#requestTimeoutMs !== undefined) {
        throw new TransientError(`The model did not answer within ${this.#requestTimeoutMs / 1000} s (the request timed out)`, { code: 'MODEL_TIMEOUT', cause: error });
      }
      throw mapped;
    }
  }
}
