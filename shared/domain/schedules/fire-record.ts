import { z } from 'zod';
import { toRfc3339 } from '../run-view.ts';

/** Why a fire started a run, or did not. */
export const fireKindSchema = z.enum(['SCHEDULED', 'CATCH_UP', 'RUN_NOW']);
export const fireSkipReasonSchema = z.enum(['OVERLAP', 'CATCH_UP_POLICY']);

/**
 * One fire of a schedule, created once at `agents/{agent}/schedules/{id}/fires/{fireId}`: the id
 * is the scheduled time (`t<epoch ms>`), or `n<hash of the requestId>` for a run-now, so a
 * duplicated Scheduler delivery or a retried publish finds its fire already there
 * (docs/architecture.md, "Schedules"). `missed` summarises fire times this one stands for that
 * got no record of their own (left out by the catch-up policy).
 */
export const fireRecordSchema = z.object({
  schemaVersion: z.literal(1),
  id: z.string(),
  schedule: z.string(),
  scheduledTime: z.number(),
  kind: fireKindSchema,
  outcome: z.enum(['STARTED', 'SKIPPED']),
  reason: fireSkipReasonSchema.optional(),
  message: z.string().optional(),
  runName: z.string().optional(),
  /** The batch a fire of a batch schedule started. */
  batchName: z.string().optional(),
  missed: z.object({ count: z.number(), countCapped: z.boolean(), firstTime: z.number() }).optional(),
  createTime: z.number(),
});
export type FireRecord = z.infer<typeof fireRecordSchema>;

export function scheduledFireId(scheduledTime: number): string {
  return `t${String(scheduledTime).padStart(15, '0')}`;
}

export function toFireJson(record: FireRecord): Record<string, unknown> {
  return {
    id: record.id,
    scheduledTime: toRfc3339(record.scheduledTime),
    kind: record.kind,
    outcome: record.outcome,
    reason: record.reason,
    message: record.message,
    run: record.runName,
    batch: record.batchName,
    missed: record.missed && { count: record.missed.count, countCapped: record.missed.countCapped, firstTime: toRfc3339(record.missed.firstTime) },
    createTime: toRfc3339(record.createTime),
  };
}
