import type { Content, Usage } from '../domain/content.ts';
import type { ModelClient, ModelRequest, ModelResponse } from '../ports/model-client.ts';

export type ScriptedReply = ModelResponse | Error | ((request: ModelRequest) => ModelResponse | Error);

/**
 * A strict in-process model for unit tests (strict, so a test cannot pass on a reply it never asked for): replies are consumed in order, an
 * unscripted call fails the run's test loudly, and `assertAllUsed` fails on leftovers. The real
 * adapter is tested separately against a Gemini-wire server.
 */
export class ScriptedModel implements ModelClient {
  readonly requests: ModelRequest[] = [];
  readonly #replies: ScriptedReply[];
  readonly unexpected: ModelRequest[] = [];

  constructor(replies: ScriptedReply[]) {
    this.#replies = [...replies];
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    this.requests.push(structuredClone(request));
    const reply = this.#replies.shift();
    if (reply === undefined) {
      this.unexpected.push(request);
      throw new Error(`ScriptedModel: unexpected call #${this.requests.length} (no reply scripted)`);
    }
    const resolved = typeof reply === 'function' ? reply(request) : reply;
    if (resolved instanceof Error) throw resolved;
    return structuredClone(resolved);
  }

  assertAllUsed(): void {
    if (this.#replies.length > 0) throw new Error(`ScriptedModel: ${this.#replies.length} scripted replies were never requested`);
    if (this.unexpected.length > 0) throw new Error(`ScriptedModel: ${this.unexpected.length} unexpected calls`);
  }
}

export function modelText(text: string, usage: Usage = { totalTokenCount: 10 }): ModelResponse {
  return { content: { role: 'model', parts: [{ text }] }, usage, chunkCount: 1, finishReason: 'STOP' };
}

export function modelCalls(
  calls: { name: string; args: Record<string, unknown>; id?: string }[],
  usage: Usage = { totalTokenCount: 10 },
): ModelResponse {
  const content: Content = { role: 'model', parts: calls.map((call) => ({ functionCall: call })) };
  return { content, usage, chunkCount: 1, finishReason: 'STOP' };
}
