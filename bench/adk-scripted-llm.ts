import { BaseLlm, type BaseLlmConnection, type LlmRequest, type LlmResponse } from '@google/adk';
import type { Content } from '../shared/domain/content.ts';
import { nextScriptedTurn } from './conversation-script.ts';

/** The benchmark's scripted conversation as an ADK model: answers at once, no network. */
export class ScriptedAdkLlm extends BaseLlm {
  readonly #toolTurns: number;

  constructor(toolTurns: number) {
    super({ model: 'scripted-bench-model' });
    this.#toolTurns = toolTurns;
  }

  override async *generateContentAsync(llmRequest: LlmRequest): AsyncGenerator<LlmResponse, void> {
    const turn = nextScriptedTurn(llmRequest.contents as Content[], this.#toolTurns);
    const part = turn.kind === 'call' ? { functionCall: { name: 'calculator', args: { expression: turn.value } } } : { text: turn.value };
    yield {
      content: { role: 'model', parts: [part] },
      usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 8, totalTokenCount: 20 },
      finishReason: 'STOP' as LlmResponse['finishReason'],
    };
  }

  override connect(): Promise<BaseLlmConnection> {
    return Promise.reject(new Error('The scripted bench model has no live connection'));
  }
}
