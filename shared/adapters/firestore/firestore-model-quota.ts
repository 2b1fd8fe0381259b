import { Timestamp, type DocumentReference, type Firestore } from '@google-cloud/firestore';
import { guardMsOf, type ModelQuotas, type QuotaAnswer, type QuotaRequest } from '../../domain/quota/model-quotas.ts';
import { fitsShard, retryTimeAfter, shardsFor, windowAt } from '../../domain/quota/quota-shards.ts';
import { throttleAfter429, throttledQuota, throttleFactorAt, type QuotaThrottle } from '../../domain/quota/quota-throttle.ts';
import type { ModelQuotaGovernor } from '../../ports/model-quota.ts';
import { documentPaths as paths } from '../document-paths.ts';
import { fromFirestoreError } from './firestore-errors.ts';

/** How long this process trusts what it read of a model's 429 block and throttle. */
const blockedReadMs = 1_000;

/** How long a shard document outlives its window (Firestore's TTL policy deletes it then). */
const keptMs = 3_600_000;

/**
 * The model quota on Firestore (docs/architecture.md, "Model quota"): each window's counters are
 * split over shard documents (`quotaWindows/{model}-{window}-{shard}`), and a reservation is one
 * small transaction on one shard, tried from a random one, so no document takes more than a share
 * of the writes (production Firestore sustains about one write per second per document). Shards
 * found full are remembered for the rest of their window, so a spent window costs no writes.
 */
export class FirestoreModelQuota implements ModelQuotaGovernor {
  readonly #db: Firestore;
  readonly #quotas: ModelQuotas;
  readonly #full = new Set<string>();
  /**
   * Each shard's last transaction from this process: a reservation here tries those shards last,
   * and waits for that transaction rather than contend with it (two transactions of one process
   * on one shard only wait for each other — seconds under the emulator's lock timeouts).
   */
  readonly #taking = new Map<string, Promise<unknown>>();
  readonly #blocked = new Map<string, ModelState & { readAt: number }>();
  #fullWindow = 0;

  readonly #now: () => number;

  constructor(db: Firestore, quotas: ModelQuotas, now: () => number = Date.now) {
    this.#db = db;
    this.#quotas = quotas;
    this.#now = now;
  }

  async reserve(request: QuotaRequest, now: number): Promise<QuotaAnswer> {
    const configured = this.#quotas[request.model];
    if (!configured) return { granted: true };
    try {
      const { until: blockedUntil, throttle } = await this.#modelState(request.model);
      if (now < blockedUntil) return { granted: false, retryTime: blockedUntil, reason: `${request.model} answered 429: waiting until its retry time` };
      const quota = throttledQuota(configured, throttleFactorAt(throttle, configured, now));
      const window = windowAt(quota, now);
      if (window.start !== this.#fullWindow) {
        this.#full.clear();
        this.#fullWindow = window.start;
      }
      if (!window.closing) {
        // One read of the shards first (no transaction, no lock), then a transaction only on
        // those that looked like they had room: a spent window costs no failed transactions.
        const open = shardsFor(quota, request).filter((shard) => !this.#full.has(paths.quotaWindowShard(request.model, window.start, shard)));
        const taking = (shard: number) => this.#taking.has(paths.quotaWindowShard(request.model, window.start, shard));
        const shards = [...open.filter((shard) => !taking(shard)), ...open.filter(taking)];
        const refs = shards.map((shard) => this.#db.doc(paths.quotaWindowShard(request.model, window.start, shard)));
        const seen = refs.length > 0 ? await this.#db.getAll(...refs) : [];
        for (const [position, shard] of shards.entries()) {
          const data = seen[position]?.data();
          const path = refs[position]!.path;
          if (!fitsShard(quota, shard, { requests: Number(data?.['requests'] ?? 0), tokens: Number(data?.['tokens'] ?? 0) }, request)) {
            if (!fitsShard(quota, shard, { requests: Number(data?.['requests'] ?? 0), tokens: 0 }, request)) this.#full.add(path);
            continue;
          }
          const taken = await this.#take(path, (counter) => fitsShard(quota, shard, counter, request), request.tokens, window.end);
          if (taken === 'full') this.#full.add(path);
          if (taken !== 'taken') continue;
          // Counted in this window; a request sent after its guard may reach the model in the next.
          if (this.#now() < window.end - guardMsOf(quota)) return { granted: true };
          break;
        }
      }
      return { granted: false, retryTime: retryTimeAfter(quota, now), reason: `${request.model}'s ${request.priority} quota for this window is spent` };
    } catch (error) {
      throw fromFirestoreError(error);
    }
  }

  /**
   * Until when a 429 blocks the model, and its throttle: read at most once a second per process
   * (not once per request), and at once here when this process recorded the 429 itself.
   */
  async #modelState(model: string): Promise<ModelState> {
    const cached = this.#blocked.get(model);
    if (cached && this.#now() - cached.readAt < blockedReadMs) return cached;
    const state = modelStateOf((await this.#db.doc(paths.modelQuota(model)).get()).data());
    this.#blocked.set(model, { ...state, readAt: this.#now() });
    return state;
  }

  async rateLimited(model: string, until: number, now: number): Promise<void> {
    const quota = this.#quotas[model];
    // Blocked here at once, even if recording it fails.
    const cached = this.#blocked.get(model);
    this.#blocked.set(model, { until: Math.max(until, cached?.until ?? 0), ...(cached?.throttle ? { throttle: cached.throttle } : {}), readAt: this.#now() });
    const ref = this.#db.doc(paths.modelQuota(model));
    const recorded = await this.#db.runTransaction(async (tx) => {
      const current = modelStateOf((await tx.get(ref)).data());
      const throttle = quota ? throttleAfter429(current.throttle, quota, now) : current.throttle;
      const next: ModelState = { until: Math.max(current.until, until), ...(throttle ? { throttle } : {}) };
      if (next.until !== current.until || next.throttle !== current.throttle) {
        tx.set(ref, {
          schemaVersion: 1,
          model,
          blockedUntil: Timestamp.fromMillis(next.until),
          ...(next.throttle ? { throttleFactor: next.throttle.factor, throttleSince: Timestamp.fromMillis(next.throttle.since) } : {}),
        });
      }
      return next;
    });
    this.#blocked.set(model, { ...recorded, readAt: this.#now() });
  }

  /**
   * One shard's transaction: counts the request if `fits` says the shard has room. `full` when no
   * request fits any more this window (remembered); `no-room` when only this one's tokens do not.
   * Contention on one small shard is expected at a window's start: more attempts than the default five.
   */
  async #take(path: string, fits: (counter: { requests: number; tokens: number }) => boolean, tokens: number, windowEnd: number): Promise<'taken' | 'full' | 'no-room'> {
    const ref = this.#db.doc(path);
    const before = this.#taking.get(path);
    const taking = (async () => {
      await before?.catch(() => {});
      return this.#transact(ref, fits, tokens, windowEnd);
    })();
    this.#taking.set(path, taking);
    try {
      return await taking;
    } finally {
      if (this.#taking.get(path) === taking) this.#taking.delete(path);
    }
  }

  #transact(ref: DocumentReference, fits: (counter: { requests: number; tokens: number }) => boolean, tokens: number, windowEnd: number): Promise<'taken' | 'full' | 'no-room'> {
    return this.#db.runTransaction(async (tx) => {
      const data = (await tx.get(ref)).data();
      const counter = { requests: Number(data?.['requests'] ?? 0), tokens: Number(data?.['tokens'] ?? 0) };
      if (!fits(counter)) return fits({ requests: counter.requests, tokens: 0 }) ? 'no-room' : 'full';
      tx.set(ref, { schemaVersion: 1, requests: counter.requests + 1, tokens: counter.tokens + tokens, expireTime: Timestamp.fromMillis(windowEnd + keptMs) });
      return 'taken';
    }, { maxAttempts: 20 });
  }
}

/** `modelQuotas/{model}`: until when a 429 blocks the model, and its throttle since the last one. */
interface ModelState {
  until: number;
  throttle?: QuotaThrottle;
}

function modelStateOf(data: Record<string, unknown> | undefined): ModelState {
  const until = (data?.['blockedUntil'] as Timestamp | undefined)?.toMillis() ?? 0;
  const since = (data?.['throttleSince'] as Timestamp | undefined)?.toMillis();
  const factor = data?.['throttleFactor'];
  return { until, ...(since !== undefined && typeof factor === 'number' ? { throttle: { factor, since } } : {}) };
}
