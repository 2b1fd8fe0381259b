/**
 * Delay before retrying a transient failure: the server's RetryInfo when it gave one, else
 * exponential backoff from `baseMs` doubling per attempt, capped at `maxMs`.
 */
export function retryDelayMs(
  attempt: number,
  policy: { baseMs: number; maxMs: number },
  serverDelayMs?: number,
): number {
  if (serverDelayMs !== undefined && serverDelayMs >= 0) return serverDelayMs;
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
}
