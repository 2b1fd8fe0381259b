import { InvalidInputError, TransientError } from '../../domain/errors.ts';

/**
 * Whether an HTTP failure may succeed if the request is sent again later: 408 (timeout), 429
 * (rate limit) and every 5xx. Any other status means the request itself must change. One rule for
 * every outbound client (the model, agent cards, A2A agents), so they agree on what is transient.
 */
export function isRetryableHttpStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Throws unless `response` is a 2xx, after discarding its body: TransientError for a retryable
 * status, InvalidInputError with `code` for any other. `what` names the resource, as in
 * `Agent card at https://…`. For clients that fetch one document (agent cards, OpenAPI documents).
 */
export async function requireOkResponse(response: Response, what: string, code: string): Promise<void> {
  if (response.ok) return;
  await response.body?.cancel();
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  if (isRetryableHttpStatus(response.status)) throw new TransientError(`${what} is unavailable: ${status}`);
  throw new InvalidInputError(`${what} could not be fetched: ${status}`, { code });
}
