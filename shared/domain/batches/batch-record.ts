import { z } from 'zod';
import { runCallbackSchema } from '../callback.ts';
import { runErrorSchema } from '../run.ts';
import { submissionSchema } from '../submission.ts';

/** The most runs of one batch active at once. */
export const maxBatchConcurrency = 100;

/** Where a batch's items come from: a list in the request, or a JSON Lines file (one item per line) of the local stack or in Cloud Storage. */
export const batchSourceSchema = z.union([
  z.strictObject({ items: z.array(z.unknown()).min(1).max(10_000) }),
  z.strictObject({ jsonlPath: z.string().min(1).max(1_024) }),
  z.strictObject({ jsonlUri: gcsUriSchema() }),
]);

/** `gs://bucket/object`: a Cloud Storage object. */
function gcsUriSchema() {
  return z.string().max(1_100).regex(/^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]\/.+$/, 'must be gs://BUCKET/OBJECT');
}
export type BatchSource = z.infer<typeof batchSourceSchema>;

/**
 * `RUNNING` until every item has ended (`SUCCEEDED`, whatever each item's outcome), `CANCELLING`
 * from a cancel until its running items have ended (`CANCELLED`), `FAILED` when its source cannot
 * be read to the end (items already started finish).
 */
export const batchStateSchema = z.enum(['RUNNING', 'CANCELLING', 'SUCCEEDED', 'CANCELLED', 'FAILED']);
export type BatchState = z.infer<typeof batchStateSchema>;

export function isBatchEnded(state: BatchState): boolean {
  return state === 'SUCCEEDED' || state === 'CANCELLED' || state === 'FAILED';
}

/**
 * A batch as stored at `batches/{batchId}` (docs/architecture.md, "Batches"): one agent over many
 * items, at most `concurrency` of its runs active, in lanes: lane j runs items j, j+K, j+2K, … one
 * after the other, so nothing but a lane's own document is written when one of its items ends.
 * `fanOut` is how far the source has been read into item documents (by index, and by byte offset
 * in a JSON Lines file), so a fan-out that crashed is resumed where it committed.
 */
export const batchRecordSchema = z.object({
  schemaVersion: z.literal(1),
  batchId: z.string(),
  userId: z.string(),
  agent: submissionSchema.shape.agent,
  runConfig: z.record(z.string(), z.unknown()).optional(),
  /** How each item becomes a run's input; absent: a string item is the input, another is its JSON. */
  inputTemplate: z.string().optional(),
  concurrency: z.number().int().min(1).max(maxBatchConcurrency),
  source: batchSourceSchema,
  state: batchStateSchema,
  fanOut: z.object({
    nextIndex: z.number().int().nonnegative(),
    offset: z.number().int().nonnegative(),
    done: z.boolean(),
    /** The Cloud Storage object generation being read (pinned by the first chunk). */
    generation: z.string().optional(),
  }),
  /** Known once the fan-out has read the whole source. */
  itemCount: z.number().int().nonnegative().optional(),
  /** Where the batch's outcome is POSTed when it ends (docs/architecture.md, "Result callbacks"). */
  callback: runCallbackSchema.optional(),
  error: runErrorSchema.optional(),
  createTime: z.number(),
  updateTime: z.number(),
  endTime: z.number().optional(),
});
export type BatchRecord = z.infer<typeof batchRecordSchema>;

/** One lane of a batch (`batches/{b}/lanes/{j}`): the next item it starts, and the run it waits for. */
export const batchLaneSchema = z.object({
  schemaVersion: z.literal(1),
  lane: z.number().int().nonnegative(),
  /** The index of the item this lane starts next (its current one's + concurrency). */
  next: z.number().int().nonnegative(),
  /** The index of the item whose run is going; absent while the lane waits or is done. */
  running: z.number().int().nonnegative().optional(),
  done: z.boolean(),
  /** What this lane's ended items add up to: the batch's totals are the sum over its lanes. */
  totals: z.object({
    succeeded: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    cancelled: z.number().int().nonnegative(),
    promptTokenCount: z.number().int().nonnegative(),
    candidatesTokenCount: z.number().int().nonnegative(),
    totalTokenCount: z.number().int().nonnegative(),
    modelRequests: z.number().int().nonnegative(),
  }),
});
export type BatchLane = z.infer<typeof batchLaneSchema>;

export const batchItemStateSchema = z.enum(['WAITING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED']);
export type BatchItemState = z.infer<typeof batchItemStateSchema>;

/** One item (`batches/{b}/items/{index}`): its input, its run, and once ended its outcome. */
export const batchItemSchema = z.object({
  schemaVersion: z.literal(1),
  index: z.number().int().nonnegative(),
  state: batchItemStateSchema,
  input: z.string().optional(),
  runName: z.string().optional(),
  output: z.string().optional(),
  error: runErrorSchema.optional(),
  usage: z.object({ promptTokenCount: z.number(), candidatesTokenCount: z.number(), totalTokenCount: z.number(), modelRequests: z.number() }).optional(),
  startTime: z.number().optional(),
  endTime: z.number().optional(),
  createTime: z.number(),
});
export type BatchItem = z.infer<typeof batchItemSchema>;
