import { z } from 'zod';
import { describeIssues } from '../describe-issues.ts';
import { callbackRefusal, runCallbackSchema } from '../callback.ts';
import { InvalidInputError } from '../errors.ts';
import { parseRunConfig } from '../run-config.ts';
import type { Submission } from '../submission.ts';
import { parseInputTemplate } from '../triggers/input-template.ts';
import { batchSourceSchema, maxBatchConcurrency, type BatchRecord } from './batch-record.ts';

/**
 * What a batch is made of, besides its agent and user: its items (a list, or a JSON Lines file of
 * the local stack), how each becomes an input, the RunConfig of each run, and how many run at
 * once. `batches.create` takes it with the agent; a schedule keeps one to start a batch per fire.
 */
export const batchSpecSchema = z.strictObject({
  runConfig: z.record(z.string(), z.unknown()).optional(),
  inputTemplate: z.string().min(1).max(10_000).optional(),
  concurrency: z.number().int().min(1).max(maxBatchConcurrency).default(10),
  items: z.array(z.unknown()).min(1).max(10_000).optional(),
  jsonlPath: z.string().min(1).max(1_024).optional(),
  jsonlUri: z.string().min(1).max(1_100).optional(),
  /** Where the batch's outcome is POSTed, signed, when it ends (docs/architecture.md, "Result callbacks"). */
  callback: runCallbackSchema.optional(),
});
export type BatchSpec = z.infer<typeof batchSpecSchema>;

/**
 * Where a deployment reads batches' items from: files of its own machine only on the local stack
 * (whose caller owns the machine), and Cloud Storage objects only in the buckets it names
 * (`AGENTLINE_BATCH_BUCKETS`: the fan-out's account reads them, so an unlisted bucket — the
 * deployment's own, say — is never read for a caller); `any` on the local stack. And whether a
 * batch's callback may be `http` (only where outbound loopback is allowed, as for runs).
 */
export interface BatchPolicy {
  localFiles: boolean;
  buckets: readonly string[] | 'any';
  httpCallbacks: boolean;
}

/**
 * Why this deployment may not read `source` for `userId`, or undefined when it may: a file only on
 * the local stack; an object only in a batch bucket and, since the fan-out reads every batch
 * bucket for every user, only under the user's folder, so no user feeds another's files to an
 * agent (docs/architecture.md, "Batches"). Checked when a batch or schedule is written, and again
 * by the fan-out before every read (a batch or schedule written before a rule changed).
 */
export function sourceRefusal(source: { jsonlPath: string } | { jsonlUri: string }, userId: string, policy: BatchPolicy): string | undefined {
  if ('jsonlPath' in source) return policy.localFiles ? undefined : 'jsonlPath reads a file of the local stack; deployed, give jsonlUri (gs://BUCKET/OBJECT) or the items';
  const bucket = /^gs:\/\/([^/]+)\//.exec(source.jsonlUri)?.[1];
  if (policy.buckets === 'any') return undefined;
  if (!bucket || !policy.buckets.includes(bucket)) {
    return `jsonlUri: bucket ${bucket} is not one this deployment reads batches from (${policy.buckets.length > 0 ? policy.buckets.join(', ') : 'none is configured'}; AGENTLINE_BATCH_BUCKETS)`;
  }
  const folder = `gs://${bucket}/${userId}/`;
  if (userId.includes('/') || !source.jsonlUri.startsWith(folder)) return `jsonlUri: a batch reads only objects under its user's folder, ${folder}…`;
  return undefined;
}

/**
 * Checks what zod cannot: one source, a file only where files may be read, an object only in a
 * batch bucket and under its user's folder, the template, the callback, the RunConfig. `userId` is
 * the user the batch's runs are for.
 */
export function requireValidBatchSpec(spec: BatchSpec, options: { batchPolicy: BatchPolicy; userId: string; field?: string }): BatchSpec {
  const where = options.field ? `${options.field}.` : '';
  const sources = [spec.items, spec.jsonlPath, spec.jsonlUri].filter((source) => source !== undefined).length;
  if (sources !== 1) throw invalid(`give exactly one of ${where}items (a list), ${where}jsonlUri (a JSON Lines object, gs://BUCKET/OBJECT) and ${where}jsonlPath (a JSON Lines file of the local stack)`);
  if (spec.jsonlUri !== undefined) {
    const parsed = batchSourceSchema.safeParse({ jsonlUri: spec.jsonlUri });
    if (!parsed.success) throw invalid(`${where}jsonlUri ${describeIssues(parsed.error.issues)}`);
  }
  const source = spec.jsonlPath !== undefined ? { jsonlPath: spec.jsonlPath } : spec.jsonlUri !== undefined ? { jsonlUri: spec.jsonlUri } : undefined;
  const unreadable = source && sourceRefusal(source, options.userId, options.batchPolicy);
  if (unreadable) throw invalid(`${where}${unreadable}`);
  if (spec.inputTemplate !== undefined) parseInputTemplate(spec.inputTemplate, `${where}inputTemplate`);
  const refusal = spec.callback && callbackRefusal(spec.callback, { allowHttp: options.batchPolicy.httpCallbacks });
  if (refusal) throw invalid(`${where}${refusal}`);
  try {
    parseRunConfig(spec.runConfig ?? {}, { onWarning: () => undefined });
  } catch (error) {
    throw invalid(`${where}runConfig: ${(error as Error).message}`, error);
  }
  return spec;
}

/** Parses and checks a spec given as JSON (a request body's fields). */
export function parseBatchSpec(value: unknown, options: { batchPolicy: BatchPolicy; userId: string; field?: string }): BatchSpec {
  const parsed = batchSpecSchema.safeParse(value);
  if (!parsed.success) throw invalid(describeIssues(parsed.error.issues));
  return requireValidBatchSpec(parsed.data, options);
}

/** A new batch from its spec: RUNNING, nothing read yet. */
export function newBatchRecord(spec: BatchSpec, batch: { batchId: string; userId: string; agent: Submission['agent']; now: number }): BatchRecord {
  const { items, jsonlPath, jsonlUri, ...fields } = spec;
  return {
    schemaVersion: 1,
    batchId: batch.batchId,
    userId: batch.userId,
    agent: batch.agent,
    ...fields,
    source: batchSourceSchema.parse(items !== undefined ? { items } : jsonlUri !== undefined ? { jsonlUri } : { jsonlPath }),
    state: 'RUNNING',
    fanOut: { nextIndex: 0, offset: 0, done: false },
    createTime: batch.now,
    updateTime: batch.now,
  };
}

function invalid(message: string, cause?: unknown): InvalidInputError {
  return new InvalidInputError(`Invalid batch: ${message}`, { code: 'INVALID_BATCH', ...(cause ? { cause } : {}) });
}
