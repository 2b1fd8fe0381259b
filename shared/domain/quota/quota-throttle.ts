import { shardCountOf, windowMsOf, type ModelQuota } from './model-quotas.ts';

/**
 * How a 429 lowers a model's quota (docs/architecture.md, "Model quota"): the quota the project
 * was given may be smaller than configured (shared with another deployment, lowered by Google), so
 * a 429 is evidence, not noise. Each one halves the rate the governor grants, once per window and
 * never below a tenth; every window without one gives back a tenth of the quota. The state is the
 * factor right after the last 429 and when it came; the factor at any time follows from it.
 */
export interface QuotaThrottle {
  /** The share of the quota granted right after the last 429 (0.1–1). */
  factor: number;
  /** When the last 429 was recorded. */
  since: number;
}

const floorFactor = 0.1;
const recoveryPerWindow = 0.1;

/** The share of the quota granted at `now`: constant within a window (recovery counts whole windows since the 429's). */
export function throttleFactorAt(throttle: QuotaThrottle | undefined, quota: ModelQuota, now: number): number {
  if (!throttle) return 1;
  const windowMs = windowMsOf(quota);
  const windows = Math.max(0, Math.floor(now / windowMs) - Math.floor(throttle.since / windowMs));
  return Math.min(1, throttle.factor + recoveryPerWindow * windows);
}

/** The throttle after a 429 at `now`: halved, unless a 429 already halved it in this window. */
export function throttleAfter429(throttle: QuotaThrottle | undefined, quota: ModelQuota, now: number): QuotaThrottle {
  const windowMs = windowMsOf(quota);
  if (throttle && Math.floor(throttle.since / windowMs) === Math.floor(now / windowMs)) return throttle;
  return { factor: Math.max(floorFactor, throttleFactorAt(throttle, quota, now) / 2), since: now };
}

/**
 * The quota as granted at `factor`: fewer requests and tokens, over the same shard documents (a
 * shard's part of a smaller limit is smaller; some are left with none).
 */
export function throttledQuota(quota: ModelQuota, factor: number): ModelQuota {
  if (factor >= 1) return quota;
  return {
    ...quota,
    rpm: Math.max(1, Math.floor(quota.rpm * factor)),
    ...(quota.tpm !== undefined ? { tpm: Math.max(1, Math.floor(quota.tpm * factor)) } : {}),
    shards: shardCountOf(quota),
  };
}
