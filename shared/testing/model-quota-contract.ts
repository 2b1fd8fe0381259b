import { describe, expect, it } from 'vitest';
import type { ModelQuotas } from '../domain/quota/model-quotas.ts';
import type { ModelQuotaGovernor } from '../ports/model-quota.ts';

let counter = 0;
/** A model name unique per test so suites can share one database. */
const uniqueModel = () => `m-${Date.now().toString(36)}-${(counter++).toString(36)}`;
const window = 60_000;
// Early in a window, far from its guard at the end.
const at = (n: number) => 1_800_000_000_000 - (1_800_000_000_000 % window) + 1_000 + n;

/** What every ModelQuotaGovernor does: run in memory in unit tests and against Firestore (emulator) in integration tests. */
export function describeModelQuotaContract(name: string, create: (quotas: ModelQuotas) => ModelQuotaGovernor): void {
  describe(`ModelQuotaGovernor contract: ${name}`, () => {
    it('grants at most the window’s requests however many ask at once, and tells the others to come back in the next window', async () => {
      const model = uniqueModel();
      const quota = create({ [model]: { rpm: 20, windowSeconds: 60, shards: 10, batchShare: 0.8 } });
      const answers = await Promise.all(Array.from({ length: 35 }, (_, n) => quota.reserve({ model, tokens: 10, priority: 'interactive' }, at(n))));
      expect(answers.filter((answer) => answer.granted)).toHaveLength(20);
      for (const answer of answers) if (!answer.granted) expect(answer.retryTime).toBeGreaterThanOrEqual(at(0) - 1_000 + window);
      expect((await quota.reserve({ model, tokens: 10, priority: 'interactive' }, at(0) + window)).granted).toBe(true);
    });

    it('keeps what batch runs may not use for interactive ones', async () => {
      const model = uniqueModel();
      const quota = create({ [model]: { rpm: 10, windowSeconds: 60, shards: 10, batchShare: 0.5 } });
      const batch = await Promise.all(Array.from({ length: 10 }, (_, n) => quota.reserve({ model, tokens: 1, priority: 'batch' }, at(n))));
      expect(batch.filter((answer) => answer.granted)).toHaveLength(5);
      const interactive = await Promise.all(Array.from({ length: 10 }, (_, n) => quota.reserve({ model, tokens: 1, priority: 'interactive' }, at(20 + n))));
      expect(interactive.filter((answer) => answer.granted)).toHaveLength(5);
    });

    it('limits input tokens per window too', async () => {
      const model = uniqueModel();
      const quota = create({ [model]: { rpm: 100, tpm: 1_000, windowSeconds: 60, shards: 1, batchShare: 0.8 } });
      expect((await quota.reserve({ model, tokens: 600, priority: 'interactive' }, at(0))).granted).toBe(true);
      expect((await quota.reserve({ model, tokens: 600, priority: 'interactive' }, at(1))).granted).toBe(false);
      expect((await quota.reserve({ model, tokens: 300, priority: 'interactive' }, at(2))).granted).toBe(true);
    });

    it('grants nothing in the last moments of a window, nor before a 429’s retry time; a model without a quota is not limited', async () => {
      const model = uniqueModel();
      const quota = create({ [model]: { rpm: 100, windowSeconds: 60, batchShare: 0.8 } });
      const closing = await quota.reserve({ model, tokens: 1, priority: 'interactive' }, at(0) - 1_000 + window - 100);
      expect(closing).toMatchObject({ granted: false });
      await quota.rateLimited(model, at(5_000), at(0));
      expect(await quota.reserve({ model, tokens: 1, priority: 'interactive' }, at(10))).toMatchObject({ granted: false, retryTime: at(5_000) });
      expect((await quota.reserve({ model, tokens: 1, priority: 'interactive' }, at(5_000))).granted).toBe(true);
      expect((await quota.reserve({ model: uniqueModel(), tokens: 1, priority: 'batch' }, at(0))).granted).toBe(true);
    });

    it('after a 429 grants half the quota, once per window however many 429s, and gives back a tenth of it each window after', async () => {
      const model = uniqueModel();
      const quota = create({ [model]: { rpm: 20, windowSeconds: 60, shards: 10, batchShare: 1 } });
      await quota.rateLimited(model, at(1_000), at(0));
      await quota.rateLimited(model, at(2_000), at(500));
      const grantedIn = async (windows: number) => {
        const answers = await Promise.all(Array.from({ length: 25 }, (_, n) => quota.reserve({ model, tokens: 1, priority: 'interactive' }, at(2_000 + n) + windows * window)));
        return answers.filter((answer) => answer.granted).length;
      };
      expect(await grantedIn(0)).toBe(10);
      expect(await grantedIn(1)).toBe(12);
      expect(await grantedIn(3)).toBe(16);
      expect(await grantedIn(6)).toBe(20);
      // A 429 in a later window halves what that window grants.
      await quota.rateLimited(model, at(7 * window), at(7 * window - 1_000));
      expect(await grantedIn(8)).toBe(12);
    });
  });
}
