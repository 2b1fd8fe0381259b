import { guardMsOf, shardCountOf, shardPart, windowMsOf, type ModelQuota, type QuotaRequest } from './model-quotas.ts';

/** One shard's counters in one window. */
export interface ShardCounter {
  requests: number;
  tokens: number;
}

/**
 * The shards a request may take from, in the order to try them (from a random one, to spread
 * writes): every shard with room for interactive runs; for batch runs only the first
 * `batchShare` of them, so what is left is interactive runs' alone.
 */
export function shardsFor(quota: ModelQuota, request: QuotaRequest, random: () => number = Math.random): number[] {
  const withRoom = Math.min(shardCountOf(quota), quota.rpm);
  const usable = request.priority === 'batch' ? Math.max(1, Math.floor(withRoom * quota.batchShare)) : withRoom;
  const start = Math.floor(random() * usable);
  return Array.from({ length: usable }, (_, offset) => (start + offset) % usable);
}

/** Whether shard `index` has room for the request; a shard with no request yet always takes one whatever its tokens. */
export function fitsShard(quota: ModelQuota, index: number, counter: ShardCounter, request: QuotaRequest): boolean {
  const shards = shardCountOf(quota);
  if (counter.requests + 1 > shardPart(quota.rpm, shards, index)) return false;
  if (quota.tpm === undefined || counter.requests === 0) return true;
  return counter.tokens + request.tokens <= shardPart(quota.tpm, shards, index);
}

/** The window `now` is in, and whether it is too late in it to grant anything (`guardMsOf`). */
export function windowAt(quota: ModelQuota, now: number): { start: number; end: number; closing: boolean } {
  const length = windowMsOf(quota);
  const start = Math.floor(now / length) * length;
  return { start, end: start + length, closing: now >= start + length - guardMsOf(quota) };
}

/** When a request refused now tries again: in the next window, spread over its first half so the waiting do not all come at once. */
export function retryTimeAfter(quota: ModelQuota, now: number, random: () => number = Math.random): number {
  const { end } = windowAt(quota, now);
  return end + Math.floor(random() * windowMsOf(quota) * 0.5);
}
