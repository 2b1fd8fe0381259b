import type { QuotaAnswer, QuotaRequest } from '../domain/quota/model-quotas.ts';

/**
 * The model quota every run shares (docs/architecture.md, "Model quota"): a model request is
 * reserved before it is sent; when its window is spent the answer says when to try again.
 */
export interface ModelQuotaGovernor {
  reserve(request: QuotaRequest, now: number): Promise<QuotaAnswer>;
  /**
   * The model answered 429 anyway (at `now`): nothing more of `model` is granted until `until`,
   * and less of it for a while after (domain/quota/quota-throttle.ts).
   */
  rateLimited(model: string, until: number, now: number): Promise<void>;
}
