import { z } from 'zod';
import { toRfc3339 } from '../run-view.ts';
import { CronSchedule } from './cron-schedule.ts';
import { writableScheduleFieldsSchema } from './schedule-fields.ts';

export const scheduleStateSchema = z.enum(['ENABLED', 'PAUSED']);
export type ScheduleState = z.infer<typeof scheduleStateSchema>;

/**
 * A schedule as stored at `agents/{agent}/schedules/{id}`: the caller-written fields, who created
 * it (the user its runs are for), the creation time of the agent it was created on (a schedule a
 * deleted agent left behind never fires for a new agent of the same name), and `cursorTime`:
 * every fire time at or before it has been decided (docs/architecture.md, "Schedules").
 */
export const scheduleRecordSchema = z.object({
  schemaVersion: z.literal(1),
  name: z.string(),
  agent: z.string(),
  creator: z.string(),
  agentCreateTime: z.number(),
  fields: writableScheduleFieldsSchema,
  state: scheduleStateSchema,
  cursorTime: z.number(),
  pauseTime: z.number().optional(),
  /** The latest fire that started a run: what the overlap policy looks at. */
  lastStarted: z.object({ scheduledTime: z.number(), startTime: z.number().optional(), runName: z.string().optional(), batchName: z.string().optional() }).optional(),
  createTime: z.number(),
  updateTime: z.number(),
});
export type ScheduleRecord = z.infer<typeof scheduleRecordSchema>;

/** The Schedule resource as the API returns it, with its next fire time while enabled. */
export function toScheduleJson(record: ScheduleRecord, now: number): Record<string, unknown> {
  const next = record.state === 'ENABLED' ? CronSchedule.parse(record.fields.cron, record.fields.timeZone).next(Math.max(record.cursorTime, now)) : undefined;
  return {
    name: record.name,
    ...record.fields,
    overlapPolicy: record.fields.overlapPolicy ?? 'SKIP',
    catchUpPolicy: record.fields.catchUpPolicy ?? 'LATEST',
    state: record.state,
    creator: record.creator,
    nextFireTime: next === undefined ? undefined : toRfc3339(next),
    lastStarted: record.lastStarted && { scheduledTime: toRfc3339(record.lastStarted.scheduledTime), run: record.lastStarted.runName, batch: record.lastStarted.batchName },
    pauseTime: record.pauseTime === undefined ? undefined : toRfc3339(record.pauseTime),
    createTime: toRfc3339(record.createTime),
    updateTime: toRfc3339(record.updateTime),
  };
}
