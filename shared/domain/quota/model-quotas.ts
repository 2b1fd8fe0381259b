import { z } from 'zod';
import { describeIssues } from '../describe-issues.ts';
import { InvalidInputError } from '../errors.ts';

/**
 * One model's quota as the project has it (Gemini quotas are per project and model): requests and
 * input tokens per window (a minute unless said), how many shard documents carry its counters,
 * and the share of it batch runs may use, so interactive runs always find room
 * (docs/architecture.md, "Model quota").
 */
export const modelQuotaSchema = z.strictObject({
  /** Requests per window. */
  rpm: z.number().int().positive(),
  /** Input tokens per window; absent: not limited. */
  tpm: z.number().int().positive().optional(),
  windowSeconds: z.number().positive().max(3_600).default(60),
  /** Counter documents per window; default two per request per second, so none takes more than about one write per second. */
  shards: z.number().int().min(1).max(100).optional(),
  /** What batch runs may use of each window. */
  batchShare: z.number().min(0.05).max(1).default(0.8),
});
export type ModelQuota = z.infer<typeof modelQuotaSchema>;

export const modelQuotasSchema = z.record(z.string().min(1), modelQuotaSchema);
export type ModelQuotas = z.infer<typeof modelQuotasSchema>;

/** `AGENTLINE_MODEL_QUOTAS`: JSON like {"gemini-2.5-flash": {"rpm": 600, "tpm": 1000000}}. */
export function parseModelQuotas(text: string): ModelQuotas {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`AGENTLINE_MODEL_QUOTAS is not JSON: ${(error as Error).message}`);
  }
  const parsed = modelQuotasSchema.safeParse(value);
  if (!parsed.success) throw new InvalidInputError(`AGENTLINE_MODEL_QUOTAS: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}

export function windowMsOf(quota: ModelQuota): number {
  return quota.windowSeconds * 1000;
}

export function shardCountOf(quota: ModelQuota): number {
  return quota.shards ?? Math.min(100, Math.max(1, Math.ceil((quota.rpm / quota.windowSeconds) * 2)));
}

/** Shard `index`'s part of `limit`: the limit split as evenly as whole numbers allow. */
export function shardPart(limit: number, shards: number, index: number): number {
  return Math.floor(limit / shards) + (index < limit % shards ? 1 : 0);
}

/**
 * A request granted in a window's last moments may reach the model in the next one, which its
 * reservation did not count: none is granted in the last 10 % of a window (at most a second,
 * more than the time from a reservation to its request under load; measured in
 * functions/model-quota.int.test.ts).
 */
export function guardMsOf(quota: ModelQuota): number {
  return Math.min(1_000, windowMsOf(quota) * 0.1);
}

export type QuotaPriority = 'interactive' | 'batch';

/** What a reservation asks for: one request of `model` with about `tokens` input tokens. */
export interface QuotaRequest {
  model: string;
  tokens: number;
  priority: QuotaPriority;
}

export type QuotaAnswer = { granted: true } | { granted: false; retryTime: number; reason: string };
