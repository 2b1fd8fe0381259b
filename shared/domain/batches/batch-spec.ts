import { z } from 'zod';
import { describeIssues } from '../describe-issues.ts';
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
});
export type BatchSpec = z.infer<typeof batchSpecSchema>;

/** Checks what zod cannot: one source, a file only where files may be read, the template, the RunConfig. */
export function requireValidBatchSpec(spec: BatchSpec, options: { localBatchFiles: boolean; field?: string }): BatchSpec {
  const where = options.field ? `${options.field}.` : '';
  if ((spec.items === undefined) === (spec.jsonlPath === undefined)) throw invalid(`give exactly one of ${where}items (a list) and ${where}jsonlPath (a JSON Lines file)`);
  if (spec.jsonlPath !== undefined && !options.localBatchFiles) {
    throw invalid(`${where}jsonlPath reads a file of the local stack; deployed, give the items in the request (gs:// sources come with the artifact store)`);
  }
  if (spec.inputTemplate !== undefined) parseInputTemplate(spec.inputTemplate, `${where}inputTemplate`);
  try {
    parseRunConfig(spec.runConfig ?? {}, { onWarning: () => undefined });
  } catch (error) {
    throw invalid(`${where}runConfig: ${(error as Error).message}`, error);
  }
  return spec;
}

/** Parses and checks a spec given as JSON (a request body's fields). */
export function parseBatchSpec(value: unknown, options: { localBatchFiles: boolean; field?: string }): BatchSpec {
  const parsed = batchSpecSchema.safeParse(value);
  if (!parsed.success) throw invalid(describeIssues(parsed.error.issues));
  return requireValidBatchSpec(parsed.data, options);
}

/** A new batch from its spec: RUNNING, nothing read yet. */
export function newBatchRecord(spec: BatchSpec, batch: { batchId: string; userId: string; agent: Submission['agent']; now: number }): BatchRecord {
  const { items, jsonlPath, ...fields } = spec;
  return {
    schemaVersion: 1,
    batchId: batch.batchId,
    userId: batch.userId,
    agent: batch.agent,
    ...fields,
    source: batchSourceSchema.parse(items !== undefined ? { items } : { jsonlPath }),
    state: 'RUNNING',
    fanOut: { nextIndex: 0, offset: 0, done: false },
    createTime: batch.now,
    updateTime: batch.now,
  };
}

function invalid(message: string, cause?: unknown): InvalidInputError {
  return new InvalidInputError(`Invalid batch: ${message}`, { code: 'INVALID_BATCH', ...(cause ? { cause } : {}) });
}
