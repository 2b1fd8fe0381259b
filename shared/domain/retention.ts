import type { CallbackSubjectRecord } from './callback-delivery.ts';
import type { Run } from './run.ts';

/**
 * How long run data is kept (docs/architecture.md, "Retention"). Every run ends by its deadline,
 * which is at most `maxRunMs` after it was created, so a document created for a run expires
 * `maxRunMs + retentionMs` after its own creation: never before its run's end plus the retention,
 * whenever the run ends. The run document itself expires `retentionMs` after the run ended (or
 * after its deadline, while it has not).
 */
export interface RetentionPolicy {
  retentionMs: number;
  maxRunMs: number;
}

/** When Firestore's TTL policy (or the local stand-in) deletes a run document. */
export function runExpireTime(run: Pick<Run, 'createTime' | 'endTime' | 'deadlineTime'>, policy: RetentionPolicy): number {
  return (run.endTime ?? run.deadlineTime ?? run.createTime + policy.maxRunMs) + policy.retentionMs;
}

/**
 * A callback delivery (written only once its run or batch ended) expires with its run; a batch's
 * (batches are kept) the retention after the batch ended, as long as a run's would be.
 */
export function callbackExpireTime(record: CallbackSubjectRecord, policy: RetentionPolicy): number {
  return record.kind === 'run' ? runExpireTime(record.run, policy) : (record.batch.endTime ?? record.batch.updateTime) + policy.retentionMs;
}

/** When a document created at `createTime` for a run (step, event, checkpoint, join, outbox entry, rejection) is deleted. */
export function recordExpireTime(createTime: number, policy: RetentionPolicy): number {
  return createTime + policy.maxRunMs + policy.retentionMs;
}

/** The field Firestore's TTL policies read (infra/topology.json `firestore.ttlField`). */
export const expireTimeField = 'expireTime';
