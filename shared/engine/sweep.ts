import { callbackOutboxMessage } from '../domain/callback.ts';
import { callbackSubjectOf, type CallbackState } from '../domain/callback-delivery.ts';
import { outboxMessageOf } from '../domain/outbox.ts';
import { stepOutboxMessage, type Step } from '../domain/step.ts';
import type { Deps } from './deps.ts';
import { commitRunChange } from './run-change.ts';

type SweepDeps = Pick<Deps, 'store' | 'outbox' | 'callbacks' | 'queue' | 'clock' | 'logger' | 'settings'>;

/** What one sweep did. */
export interface SweepReport {
  /** Outbox entries published (their writer died between commit and publish). */
  outboxPublished: number;
  /** Step messages published again: steps that owed progress well past their due time. */
  stepsRedriven: number;
  /** Callback messages published again: deliveries whose next attempt (or lease end) is well past. */
  callbacksRedriven: number;
  /** Runs ended because their deadline passed while nothing else would have ended them. */
  runsPastDeadline: number;
  /** Expired run documents deleted (only where no TTL policy does it: the emulator). */
  expiredDeleted: number;
  /** Items that failed this time; the next sweep tries them again. */
  failures: number;
}

export interface SweepOptions {
  /**
   * Treat every open step as due and every lease as dead. Only for a caller that knows no other
   * process is executing steps: the local stack at start-up, which holds its data folder's lock,
   * re-drives at once what the previous (killed) stack left in flight.
   */
  recoverAll?: boolean;
}

/**
 * The sweeper (docs/architecture.md, "The sweeper"): re-drives what a lost message, a dead
 * process or a lost timer left owed. It reads only what is due, through indexed queries, at most
 * `settings.sweep.batchSize` of each kind per sweep, and everything it does is idempotent: a
 * message published twice is a duplicate the executor absorbs.
 *
 * - outbox entries still present a grace period after their commit: published, then deleted;
 * - steps whose `dueTime` passed more than a grace period ago (a new step whose message was
 *   lost, a retry whose delayed message was lost, a lease whose holder died and whose message
 *   is gone, a group still owing its join): their step message is published again;
 * - result callbacks whose `dueTime` passed more than a grace period ago (a retry whose delayed
 *   message was lost, an attempt whose process died): their callback message is published again;
 * - runs past their deadline: ended CANCELLED with DEADLINE_EXCEEDED (a parked run would wait
 *   forever otherwise);
 * - where `settings.sweep.deletesExpired`: run data past its `expireTime`.
 */
export async function sweep(deps: SweepDeps, options: SweepOptions = {}): Promise<SweepReport> {
  const report: SweepReport = { outboxPublished: 0, stepsRedriven: 0, callbacksRedriven: 0, runsPastDeadline: 0, expiredDeleted: 0, failures: 0 };
  const now = deps.clock.now();
  const { graceMs, batchSize, deletesExpired } = deps.settings.sweep;
  const overdue = options.recoverAll ? latestTimestamp : now - graceMs;
  const attempt = async (what: string, work: () => Promise<void>) =>
    work().catch((error: unknown) => {
      report.failures++;
      deps.logger.warn('sweep could not re-drive an item; the next sweep tries again', { what, error: String(error) });
    });

  // Each kind on its own: a query that fails (or a record that cannot be read) leaves the others to run.
  await attempt('due outbox entries', async () => {
    for (const entry of await deps.outbox.listDue(overdue, batchSize)) {
      await attempt(`outbox ${entry.id}`, async () => {
        await deps.queue.publish([outboxMessageOf(entry)]);
        await deps.outbox.delete([entry.id]);
        report.outboxPublished++;
      });
    }
  });
  await attempt('due steps', async () => {
    for (const step of await deps.store.listDueSteps(overdue, batchSize)) {
      await attempt(`step ${step.runId}/${step.stepId}`, async () => {
        if (await markRedriven(deps, step, overdue, now, options.recoverAll ?? false)) {
          await deps.queue.publish([stepOutboxMessage(step.runId, step.stepId)]);
          report.stepsRedriven++;
        }
      });
    }
  });
  await attempt('due callbacks', async () => {
    for (const callback of await deps.callbacks.listDueCallbacks(overdue, batchSize)) {
      const subject = callbackSubjectOf(callback);
      await attempt(`callback of ${subject.kind} ${subject.id}`, async () => {
        if (await markCallbackRedriven(deps, callback, overdue, now, options.recoverAll ?? false)) {
          const { id: _id, ...message } = callbackOutboxMessage(subject);
          await deps.queue.publish([message]);
          report.callbacksRedriven++;
        }
      });
    }
  });
  await attempt('runs past their deadline', async () => {
    for (const run of await deps.store.listRunsPastDeadline(now, batchSize)) {
      // A change that changes nothing: the commit itself ends a run past its deadline.
      await attempt(`deadline of ${run.runId}`, async () => {
        await commitRunChange(deps, run.runId, async () => undefined);
        report.runsPastDeadline++;
      });
    }
  });
  if (deletesExpired) await attempt('expired documents', async () => void (report.expiredDeleted = await deps.store.deleteExpired(now, batchSize)));
  if (report.outboxPublished + report.stepsRedriven + report.callbacksRedriven + report.runsPastDeadline + report.failures > 0) deps.logger.info('sweep re-drove overdue work', { ...report });
  return report;
}

/** The latest time a Firestore Timestamp holds (9999-12-31): "everything" for `recoverAll`. */
const latestTimestamp = Date.UTC(9999, 11, 31);

/**
 * Re-checks, in a transaction, that the step still owes progress and marks it re-driven: due
 * again now, so the next sweep gives the new message a grace period before trying again.
 * With `recoverAll` a live lease is ended too (its holder is known to be dead).
 */
async function markRedriven(deps: SweepDeps, seen: Step, overdue: number, now: number, recoverAll: boolean): Promise<boolean> {
  return deps.store.transact(async (tx) => {
    const step = await tx.getStep(seen.runId, seen.stepId);
    if (!step || step.dueTime === undefined || step.dueTime > overdue) return false;
    const endLease = recoverAll && step.state === 'RUNNING' ? { leaseExpireTime: now } : {};
    tx.putStep({ ...step, ...endLease, dueTime: now, redrives: (step.redrives ?? 0) + 1 });
    return true;
  });
}

/**
 * The same for a callback delivery: still owing progress, it is due again now (its next attempt
 * or its dead attempt's takeover is what the re-published message does). With `recoverAll` a live
 * lease is ended too.
 */
async function markCallbackRedriven(deps: SweepDeps, seen: CallbackState, overdue: number, now: number, recoverAll: boolean): Promise<boolean> {
  return deps.callbacks.transact(async (tx) => {
    const record = await tx.getSubject(callbackSubjectOf(seen));
    const callback = await tx.getCallback(callbackSubjectOf(seen));
    if (!record || !callback || callback.dueTime === undefined || callback.dueTime > overdue) return false;
    const endLease = recoverAll && callback.leaseExpireTime !== undefined ? { leaseExpireTime: Math.min(now, callback.leaseExpireTime) } : {};
    tx.putCallback({ ...callback, ...endLease, dueTime: now, redrives: (callback.redrives ?? 0) + 1 }, record);
    return true;
  });
}
