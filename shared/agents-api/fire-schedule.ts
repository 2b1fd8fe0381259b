import { isTerminal } from '../domain/run.ts';
import { decideFires } from '../domain/schedules/decide-fires.ts';
import { scheduledFireId, type FireRecord } from '../domain/schedules/fire-record.ts';
import { fireStart, scheduleMessageSchema, scheduleSyncMessage } from '../domain/schedules/schedule-messages.ts';
import { isBatchEnded } from '../domain/batches/batch-record.ts';
import type { BatchStore } from '../ports/batch-store.ts';
import { scheduleNames } from '../domain/schedules/schedule-name.ts';
import type { ScheduleRecord } from '../domain/schedules/schedule-record.ts';
import { outboxEntryOf } from '../domain/outbox.ts';
import type { OutboxMessage } from '../domain/step.ts';
import { decodeJsonMessage, type Delivery } from '../engine/delivery.ts';
import type { ApiDeps } from './api-deps.ts';
import { belongsTo } from './agent-children.ts';
import { publishAfterCommit } from './operation-methods.ts';

type Deps = Pick<ApiDeps, 'registry' | 'runs' | 'queue' | 'outbox' | 'clock' | 'logger'> & { batches: Pick<BatchStore, 'getBatch'> };

/** A fire time found at most this long after it came counts as on time, not missed. */
export const onTimeMs = 10 * 60_000;
/** `catchUpPolicy: ALL` starts at most this many missed fire times at once (the latest ones). */
export const maxCatchUpFires = 100;
/** A started run not yet written by its submission step counts as going for this long. */
const submissionGraceMs = 10 * 60_000;

/**
 * `fireSchedule`, on the schedule-fires topic (docs/architecture.md, "Schedules"): the schedule's
 * fire times up to the message's publish time are decided in one registry transaction — each
 * fire record created once (id: the fire time), the runs they start put in the outbox, the cursor
 * moved — so a duplicated Scheduler delivery or a retried publish finds nothing left to start.
 * A schedule that is gone or paused starts nothing; one left behind by a deleted agent is removed, and its job with it.
 */
export function createFireScheduleHandler(deps: Deps) {
  return async function fireSchedule(delivery: Delivery): Promise<void> {
    const { schedule: name } = decodeJsonMessage(delivery, scheduleMessageSchema, `Schedule fire on ${delivery.source}`);
    scheduleNames.parse(name);
    const now = delivery.publishTime ?? deps.clock.now();
    const current = await deps.registry.getSchedule(name);
    if (!current) return deps.logger.info('schedule fire for a schedule that does not exist', { schedule: name });
    const outcome = await deps.registry.transact(async (tx) => {
      const [schedule, agent] = await Promise.all([tx.getSchedule(name), tx.getAgent(current.agent)]);
      if (!schedule) return { fires: [], messages: [] };
      if (!agent || !belongsTo(schedule, agent)) {
        // Left behind by a deleted agent: removed with its job, which would otherwise tick forever.
        const sync = scheduleSyncMessage(name, now);
        tx.deleteSchedule(name);
        tx.putOutbox(outboxEntryOf(sync, now));
        return { fires: [], messages: [sync] };
      }
      // From the schedule as this attempt of the transaction read it: a concurrent fire that
      // started a run makes the transaction run again, and this reads that run.
      const previousRunActive = await isRunGoing(deps, schedule, now);
      const decision = decideFires({ schedule, now, previousRunActive, onTimeMs, maxCatchUpFires });
      const planned = decision.fires.map((fire) => ({ fire, id: scheduledFireId(fire.scheduledTime) }));
      const existing = await Promise.all(planned.map(({ id }) => tx.getFire(name, id)));
      const fires: FireRecord[] = [];
      const messages: OutboxMessage[] = [];
      let lastStarted = schedule.lastStarted;
      planned.forEach(({ fire, id }, index) => {
        if (existing[index]) return;
        const started = fire.outcome === 'STARTED' ? fireStart(schedule, id, now) : undefined;
        const what = started ? { ...(started.runName ? { runName: started.runName } : {}), ...(started.batchName ? { batchName: started.batchName } : {}) } : {};
        fires.push({ schemaVersion: 1, id, schedule: name, ...fire, ...what, createTime: deps.clock.now() });
        if (started) {
          messages.push(started.message);
          lastStarted = { scheduledTime: fire.scheduledTime, startTime: now, ...what };
        }
      });
      for (const fire of fires) tx.createFire(fire);
      for (const message of messages) tx.putOutbox(outboxEntryOf(message, now));
      tx.putSchedule({ ...schedule, cursorTime: decision.cursorTime, ...(lastStarted ? { lastStarted } : {}) });
      return { fires, messages };
    });
    if (outcome.fires.length > 0) deps.logger.info('schedule fired', { schedule: name, fires: outcome.fires.map((fire) => `${fire.id} ${fire.outcome}`) });
    await publishAfterCommit(deps, outcome.messages);
  };
}

/**
 * Whether the run (or batch) of the schedule's latest started fire has not ended. Its
 * submission step (or first fan-out) may not have written it yet, so one not found counts as
 * going for a while after its fire, then as ended (its data expired, or it never started).
 */
async function isRunGoing(deps: Pick<Deps, 'runs' | 'batches'>, schedule: ScheduleRecord, now: number): Promise<boolean> {
  const last = schedule.lastStarted;
  if ((schedule.fields.overlapPolicy ?? 'SKIP') !== 'SKIP' || !last) return false;
  if (last.batchName) {
    const batch = await deps.batches.getBatch(last.batchName.slice('batches/'.length));
    if (batch) return !isBatchEnded(batch.state);
  } else if (last.runName) {
    const run = await deps.runs.getRun(last.runName.slice('runs/'.length));
    if (run) return !isTerminal(run.state);
  }
  return now - (last.startTime ?? last.scheduledTime) < submissionGraceMs;
}
