/**
 * Whether an HTTP failure may succeed if the request is sent again later: 408 (timeout), 429
 * (rate limit) and every 5xx. Any other status means the request itself must change. One rule for
 * every outbound client (the model, agent cards, A2A agents), so they agree on what is transient.
 */
export function isRetryableHttpStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
