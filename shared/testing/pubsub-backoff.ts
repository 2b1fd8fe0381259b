/** A push subscription's retry policy, in Pub/Sub's own terms (`RetryPolicy.minimum_backoff` / `maximum_backoff`). */
export interface RetryBackoff {
  minimumBackoffSeconds: number;
  maximumBackoffSeconds: number;
}

/** Growth per failed delivery, and the share of the minimum that jitter never takes away. */
const growthPerFailure = 1.3;
const fixedShareOfMinimum = 0.4;

/**
 * Seconds Pub/Sub waits before redelivering a message that has failed `failedDeliveries` times
 * (1 after the first nack), under a subscription's exponential-backoff retry policy.
 *
 * Google documents only the shape: "Retry delay will be exponential based on provided minimum and
 * maximum backoffs", best effort, "delay can be more or less than configured backoff" (the
 * `google.pubsub.v1.RetryPolicy` reference). The numbers are those of Google's own Pub/Sub
 * emulator (0.8.20, `MessageBacklog.computeBackoff`, read from the jar the gcloud SDK installs),
 * the only published implementation:
 *
 *   fixed  = 0.4 × min
 *   grown  = min(min × 1.3^failedDeliveries, max − fixed)
 *   delay  = fixed + grown × (0.6 + 0.4 × random),  clamped to [min, max]
 *
 * With min 1 s and max 10 s the first redelivery waits 1.2–1.7 s and, from the ninth failure
 * on, 6.2–10 s. Two deliberate differences from the emulator: the result is not truncated to
 * whole seconds (so a time scale keeps its shape), and a minimum below 1 s is kept, as the
 * real service accepts 0–600 s, where the emulator raises it to 1 s.
 *
 * `random` is a number in [0, 1]; 1 gives the upper edge of the jitter.
 */
export function pubsubBackoffSeconds(failedDeliveries: number, policy: RetryBackoff, random: number): number {
  const minimum = policy.minimumBackoffSeconds;
  const maximum = Math.max(policy.maximumBackoffSeconds, minimum);
  const fixed = fixedShareOfMinimum * minimum;
  const grown = Math.min(minimum * growthPerFailure ** Math.max(0, failedDeliveries), maximum - fixed);
  const jittered = fixed + grown * (0.6 + 0.4 * random);
  return Math.min(maximum, Math.max(minimum, jittered));
}
