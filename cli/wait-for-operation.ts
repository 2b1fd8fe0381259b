import { deployMaxFailedAttempts, deployRetryWindowMs } from '../shared/agents-api/handle-deploy.ts';
import type { ApiClient } from './api-client.ts';

/**
 * How long the CLI waits for a deploy: the worker ends every deploy within its retry window, so
 * an operation still running well after it means the worker is not running at all (a stopped
 * dev stack, say) — the CLI then says so instead of polling forever.
 */
export const operationWaitMs = deployRetryWindowMs + 60_000;

/** Polls the operation (AIP-151) until done; its `error`, if any, is returned for printing. */
export async function waitForOperation(
  client: Pick<ApiClient, 'call'>,
  name: string,
  { timeoutMs = operationWaitMs, pollMs = 250 }: { timeoutMs?: number; pollMs?: number } = {},
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const operation = await client.call('GET', name);
    if (operation['done'] === true) return operation;
    if (Date.now() >= deadline) {
      throw new Error(
        `Operation ${name} is still running after ${Math.round(timeoutMs / 1000)} s, longer than a deploy can take ` +
          `(${deployRetryWindowMs / 60_000} minutes or ${deployMaxFailedAttempts} failed attempts): is the deploy worker running? ` +
          `Check later with: agentline agents operation ${name}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
