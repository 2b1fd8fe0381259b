import { llmCallLimit } from './run-config.ts';
import { DEFAULT_MAX_LLM_CALLS } from './run-config-fields.ts';
import type { Run, RunError } from './run.ts';

/**
 * ADK RunConfig.max_llm_calls: with limit N exactly N model requests may be sent; the attempt
 * to make request N+1 ends the run. A limit ≤ 0 means unlimited.
 */
export function llmCallLimitOf(run: Run): number | undefined {
  return llmCallLimit(run.runConfig ?? { maxLlmCalls: DEFAULT_MAX_LLM_CALLS });
}

/** True when sending one more model request would exceed the run's limit. */
export function isLlmBudgetExhausted(run: Run): boolean {
  const limit = llmCallLimitOf(run);
  return limit !== undefined && run.llmCallCount >= limit;
}

export function llmCallsLimitExceeded(run: Run): RunError {
  return {
    code: 'LLM_CALLS_LIMIT_EXCEEDED',
    message: `Max number of llm calls limit of ${llmCallLimitOf(run)} exceeded`,
  };
}
