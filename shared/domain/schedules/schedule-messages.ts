import { createHash } from 'node:crypto';
import { z } from 'zod';
import { outboxIdOf } from '../outbox.ts';
import type { OutboxMessage } from '../step.ts';
import { deriveRunId, type Submission } from '../submission.ts';
import type { ScheduleRecord } from './schedule-record.ts';
import { fanOutMessage } from '../batches/batch-messages.ts';

/**
 * What a schedule's job publishes on the schedule-fires topic at each tick, and what resume
 * publishes so that fires missed while paused are caught up at once: "look at this schedule now".
 * The same JSON makes the sync worker bring the schedule's job in line with it.
 */
export const scheduleMessageSchema = z.strictObject({ schedule: z.string().min(1).max(1_000) });
export type ScheduleMessage = z.infer<typeof scheduleMessageSchema>;

/** Asks the sync worker to make the schedule's job match the schedule (or remove it); `version` tells repeats apart. */
export function scheduleSyncMessage(schedule: string, version: number): OutboxMessage {
  return { topic: 'schedule-sync', data: { schedule }, id: outboxIdOf('schedule-sync', schedule, String(version)) };
}

/** Asks the fire handler to look at the schedule now (resume: catch up at once). */
export function scheduleFireMessage(schedule: string, version: number): OutboxMessage {
  return { topic: 'schedule-fire', data: { schedule }, id: outboxIdOf('schedule-fire', schedule, String(version)) };
}

/** The fire record id of a run-now: a hash of its requestId, so repeating the request finds it. */
export function runNowFireId(requestId: string): string {
  return `n${createHash('sha256').update(requestId).digest('hex').slice(0, 32)}`;
}

/**
 * What a fire starts: one run of the schedule's agent, or one batch of it, for the schedule's
 * creator. Its id derives from (schedule, the schedule's create time, fire id), so a fire handled
 * twice starts one, and a schedule deleted and created again under the same name never collides
 * with the old one's. A batch is created by its first fan-out message, which carries it.
 */
export function fireStart(schedule: ScheduleRecord, fireId: string, now: number): { runName?: string; batchName?: string; message: OutboxMessage } {
  // Hashed: a schedule's name can be longer than an idempotency key may be.
  const idempotencyKey = `schedule:${createHash('sha256').update(`${schedule.name}\n${schedule.createTime}\n${fireId}`).digest('hex')}`;
  const agent = { name: schedule.agent };
  const batch = schedule.fields.batch;
  if (batch) {
    const batchId = `b${createHash('sha256').update(`${schedule.creator}\n${idempotencyKey}`).digest('hex').slice(0, 24)}`;
    return { batchName: `batches/${batchId}`, message: fanOutMessage(batchId, 0, { spec: batch, userId: schedule.creator, agent, createTime: now }) };
  }
  const run = schedule.fields.run!;
  const submission: Submission = {
    schemaVersion: 1,
    agent,
    input: run.input,
    ...(run.runConfig ? { runConfig: run.runConfig } : {}),
    ...(run.sessionId ? { sessionId: run.sessionId } : {}),
    userId: schedule.creator,
    idempotencyKey,
  };
  const runId = deriveRunId({ idempotencyKey, userId: schedule.creator, topic: 'trusted' }, '');
  return { runName: `runs/${runId}`, message: { topic: 'trusted-submissions', data: submission, id: outboxIdOf('schedule-run', schedule.name, String(schedule.createTime), fireId) } };
}
