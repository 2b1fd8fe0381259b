import type { ModelQuotas, QuotaAnswer, QuotaRequest } from '../../domain/quota/model-quotas.ts';
import { fitsShard, retryTimeAfter, shardsFor, windowAt, type ShardCounter } from '../../domain/quota/quota-shards.ts';
import { throttleAfter429, throttledQuota, throttleFactorAt, type QuotaThrottle } from '../../domain/quota/quota-throttle.ts';
import type { ModelQuotaGovernor } from '../../ports/model-quota.ts';

/** The model quota in memory (unit tests, the in-memory world): the same shards and rules as Firestore's. */
export class InMemoryModelQuota implements ModelQuotaGovernor {
  readonly #quotas: ModelQuotas;
  readonly #counters = new Map<string, ShardCounter>();
  readonly #blockedUntil = new Map<string, number>();
  readonly #throttles = new Map<string, QuotaThrottle>();
  readonly #random: () => number;

  constructor(quotas: ModelQuotas, random: () => number = Math.random) {
    this.#quotas = quotas;
    this.#random = random;
  }

  async reserve(request: QuotaRequest, now: number): Promise<QuotaAnswer> {
    const configured = this.#quotas[request.model];
    if (!configured) return { granted: true };
    const quota = throttledQuota(configured, throttleFactorAt(this.#throttles.get(request.model), configured, now));
    const blocked = this.#blockedUntil.get(request.model) ?? 0;
    if (now < blocked) return { granted: false, retryTime: blocked, reason: `${request.model} answered 429: waiting until its retry time` };
    const window = windowAt(quota, now);
    if (!window.closing) {
      for (const shard of shardsFor(quota, request, this.#random)) {
        const key = `${request.model}/${window.start}/${shard}`;
        const counter = this.#counters.get(key) ?? { requests: 0, tokens: 0 };
        if (!fitsShard(quota, shard, counter, request)) continue;
        this.#counters.set(key, { requests: counter.requests + 1, tokens: counter.tokens + request.tokens });
        return { granted: true };
      }
    }
    return { granted: false, retryTime: retryTimeAfter(quota, now, this.#random), reason: `${request.model}'s ${request.priority} quota for this window is spent` };
  }

  async rateLimited(model: string, until: number, now: number): Promise<void> {
    this.#blockedUntil.set(model, Math.max(this.#blockedUntil.get(model) ?? 0, until));
    const quota = this.#quotas[model];
    if (quota) this.#throttles.set(model, throttleAfter429(this.#throttles.get(model), quota, now));
  }
}
