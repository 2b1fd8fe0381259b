import { z } from 'zod';
import { describeIssues } from '../describe-issues.ts';
import { InvalidInputError } from '../errors.ts';
import { applyUpdateMask, readResourceBody, type ResourceFields } from '../resource-body.ts';
import { parseRunConfig } from '../run-config.ts';
import { submissionSchema } from '../submission.ts';
import { CronSchedule } from './cron-schedule.ts';
import { batchSpecSchema, requireValidBatchSpec, type BatchPolicy } from '../batches/batch-spec.ts';

/**
 * While a fire's run has not ended, the next fire is `SKIP`ped (recorded, starting nothing) or
 * started beside it (`ALLOW`).
 */
export const overlapPolicySchema = z.enum(['SKIP', 'ALLOW']);
/**
 * What happens to fire times missed while the schedule was paused or the deployment down, found
 * when it next fires: none of them start (`SKIP`), only the latest (`LATEST`), or each of them, the
 * latest `maxCatchUpFires` (`ALL`). docs/architecture.md, "Schedules".
 */
export const catchUpPolicySchema = z.enum(['SKIP', 'LATEST', 'ALL']);
export type OverlapPolicy = z.infer<typeof overlapPolicySchema>;
export type CatchUpPolicy = z.infer<typeof catchUpPolicySchema>;

/** The run each fire starts, as runs.create takes it (the agent is the schedule's). */
export const scheduledRunSchema = z.strictObject({
  input: submissionSchema.shape.input,
  runConfig: z.record(z.string(), z.unknown()).optional(),
  sessionId: submissionSchema.shape.sessionId,
});

/** What a caller writes: every field of the Schedule that is not output only. */
export const writableScheduleFieldsSchema = z.strictObject({
  displayName: z.string().max(128).optional(),
  cron: z.string().min(1).max(200),
  timeZone: z.string().min(1).max(64),
  /** Each fire starts one run… */
  run: scheduledRunSchema.optional(),
  /** …or one batch of the schedule's agent over these items (exactly one of the two). */
  batch: batchSpecSchema.optional(),
  overlapPolicy: overlapPolicySchema.optional(),
  catchUpPolicy: catchUpPolicySchema.optional(),
});
export type WritableScheduleFields = z.infer<typeof writableScheduleFieldsSchema>;

export const scheduleFields: ResourceFields<typeof writableScheduleFieldsSchema.shape> = {
  resource: 'Schedule',
  invalidCode: 'INVALID_SCHEDULE',
  schema: writableScheduleFieldsSchema,
  outputOnly: new Set(['name', 'state', 'creator', 'nextFireTime', 'lastFire', 'createTime', 'updateTime', 'pauseTime']),
};

export function readScheduleBody(body: unknown, partial: boolean): Partial<WritableScheduleFields> {
  return readResourceBody(scheduleFields, body, partial);
}

export function applyScheduleUpdate(current: WritableScheduleFields, update: Partial<WritableScheduleFields>, mask: string | undefined): Partial<WritableScheduleFields> {
  return applyUpdateMask(scheduleFields as ResourceFields<z.ZodRawShape>, current, update, mask);
}

/** The most JSON a schedule's batch may hold (its items travel in every fire's first fan-out message). */
export const maxScheduledBatchBytes = 256 * 1024;

/** Checks what zod cannot: the cron expression and time zone, what each fire starts (for `userId`, its creator), and a RunConfig a run would accept. */
export function requireValidSchedule(fields: Partial<WritableScheduleFields>, options: { batchPolicy: BatchPolicy; userId: string }): WritableScheduleFields {
  const complete = writableScheduleFieldsSchema.safeParse(fields);
  if (!complete.success) throw new InvalidInputError(`Invalid schedule: ${describeIssues(complete.error.issues)}`, { code: 'INVALID_SCHEDULE' });
  CronSchedule.parse(complete.data.cron, complete.data.timeZone);
  if ((complete.data.run === undefined) === (complete.data.batch === undefined)) {
    throw new InvalidInputError('Invalid schedule: give exactly one of run (one run per fire) and batch (one batch per fire)', { code: 'INVALID_SCHEDULE' });
  }
  if (complete.data.batch) {
    requireValidBatchSpec(complete.data.batch, { ...options, field: 'batch' });
    // Each fire's first fan-out message carries the batch: it must stay well under a message's limit.
    const bytes = Buffer.byteLength(JSON.stringify(complete.data.batch));
    if (bytes > maxScheduledBatchBytes) {
      throw new InvalidInputError(`Invalid schedule: batch is ${bytes} bytes of JSON, more than ${maxScheduledBatchBytes}: put its items in a JSON Lines object (jsonlUri)`, { code: 'INVALID_SCHEDULE' });
    }
  }
  try {
    parseRunConfig(complete.data.run?.runConfig ?? {}, { onWarning: () => undefined });
  } catch (error) {
    throw new InvalidInputError(`Invalid schedule: run.runConfig: ${(error as Error).message}`, { code: 'INVALID_SCHEDULE', cause: error });
  }
  return complete.data;
}
