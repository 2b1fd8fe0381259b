import { refuse, type WebhookRefused } from './webhook-verification.ts';

/** Both schemes that sign a time accept it up to five minutes either side of our clock. */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

/** A header's Unix time in seconds: plain decimal digits only (no sign, fraction or spaces). */
export function parseUnixSeconds(text: string, what: string): number | WebhookRefused {
  // Twelve digits reach the year 33658: anything longer is not a time, and stays a safe integer.
  if (!/^\d{1,12}$/.test(text)) return refuse('MALFORMED_HEADER', `${what} is not a Unix time in seconds.`);
  return Number(text);
}

/**
 * Refuses a signed time too far in the past (a late delivery or a replay) or in the future (a
 * skewed clock, or a signature made to be replayed later). Exactly the tolerance away is accepted.
 * `now` is floored to whole seconds, as the senders' reference libraries do.
 */
export function checkTimestampWindow(signedAtSeconds: number, now: number, toleranceSeconds = TIMESTAMP_TOLERANCE_SECONDS): WebhookRefused | undefined {
  const ageSeconds = Math.floor(now / 1000) - signedAtSeconds;
  if (ageSeconds > toleranceSeconds) {
    return refuse('STALE_TIMESTAMP', `The delivery was signed ${ageSeconds} s ago, more than the tolerance of ${toleranceSeconds} s.`);
  }
  if (-ageSeconds > toleranceSeconds) {
    return refuse('FUTURE_TIMESTAMP', `The delivery was signed ${-ageSeconds} s in the future, more than the tolerance of ${toleranceSeconds} s.`);
  }
  return undefined;
}
