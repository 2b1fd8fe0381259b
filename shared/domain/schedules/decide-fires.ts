import { CronSchedule } from './cron-schedule.ts';
import type { FireRecord } from './fire-record.ts';
import type { ScheduleRecord } from './schedule-record.ts';

/** A fire decided but not yet written: its record without id, schedule, run and time written. */
export type PlannedFire = Pick<FireRecord, 'scheduledTime' | 'kind' | 'outcome' | 'reason' | 'message' | 'missed'>;

export interface FireDecisionInput {
  schedule: ScheduleRecord;
  /** When the fire message was published: fire times up to it are due. */
  now: number;
  /** Whether the run of the schedule's latest started fire has not ended yet. */
  previousRunActive: boolean;
  /** A fire time no older than this when found counts as on time, not missed. */
  onTimeMs: number;
  /** At most this many missed fire times start under `catchUpPolicy: ALL`. */
  maxCatchUpFires: number;
}

/**
 * Which fires a schedule message starts (docs/architecture.md, "Schedules"): the fire times in
 * (cursor, now] — the latest one on time (at most `onTimeMs` old), the others missed, handled by
 * the catch-up policy — then the overlap policy over what would start. Pure: the caller writes
 * each fire create-once and moves the cursor to `now` in one transaction.
 */
export function decideFires(input: FireDecisionInput): { fires: PlannedFire[]; cursorTime: number } {
  const { schedule, now } = input;
  if (schedule.state !== 'ENABLED' || now <= schedule.cursorTime) return { fires: [], cursorTime: schedule.cursorTime };
  const cron = CronSchedule.parse(schedule.fields.cron, schedule.fields.timeZone);
  const found = cron.latestBetween(schedule.cursorTime, now, input.maxCatchUpFires + 1);
  const latest = found.times.at(-1);
  const onTime = latest !== undefined && now - latest <= input.onTimeMs ? latest : undefined;
  const missedTimes = onTime === undefined ? found.times : found.times.slice(0, -1);
  const missedTotal = found.total - (onTime === undefined ? 0 : 1);
  const fires = [...catchUp(schedule, missedTimes, missedTotal, found.countCapped, onTime !== undefined, input.maxCatchUpFires)];
  if (onTime !== undefined) fires.push({ scheduledTime: onTime, kind: 'SCHEDULED', outcome: 'STARTED' });
  return { fires: applyOverlap(schedule, fires, input.previousRunActive), cursorTime: now };
}

function* catchUp(schedule: ScheduleRecord, times: number[], total: number, countCapped: boolean, onTimeFollows: boolean, maxFires: number): Generator<PlannedFire> {
  if (total === 0 || times.length === 0) return;
  const policy = schedule.fields.catchUpPolicy ?? 'LATEST';
  const first = times[0]!;
  const last = times.at(-1)!;
  const summary = (count: number, firstTime: number) => ({ count, countCapped, firstTime });
  if (policy === 'ALL') {
    const started = times.slice(-maxFires);
    const dropped = total - started.length;
    for (const [index, scheduledTime] of started.entries()) {
      yield { scheduledTime, kind: 'CATCH_UP', outcome: 'STARTED', ...(index === 0 && dropped > 0 ? { missed: summary(dropped, first) } : {}) };
    }
    return;
  }
  if (policy === 'LATEST' && !onTimeFollows) {
    yield { scheduledTime: last, kind: 'CATCH_UP', outcome: 'STARTED', ...(total > 1 ? { missed: summary(total - 1, first) } : {}) };
    return;
  }
  // SKIP, or LATEST with an on-time fire after these: one record says how many were left out.
  yield {
    scheduledTime: last,
    kind: 'CATCH_UP',
    outcome: 'SKIPPED',
    reason: 'CATCH_UP_POLICY',
    message: `${total}${countCapped ? '+' : ''} missed fire time(s) not started: catchUpPolicy ${policy}${policy === 'LATEST' ? ' starts only the latest, which is on time' : ''}`,
    missed: summary(total, first),
  };
}

/** `SKIP`: nothing starts beside a run still going, and of several due at once only the latest starts. */
function applyOverlap(schedule: ScheduleRecord, fires: PlannedFire[], previousRunActive: boolean): PlannedFire[] {
  if ((schedule.fields.overlapPolicy ?? 'SKIP') === 'ALLOW') return fires;
  const lastStarting = fires.findLastIndex((fire) => fire.outcome === 'STARTED');
  return fires.map((fire, index): PlannedFire => {
    if (fire.outcome !== 'STARTED') return fire;
    if (previousRunActive) {
      return { ...fire, outcome: 'SKIPPED', reason: 'OVERLAP', message: `overlapPolicy SKIP: the previous fire's run ${schedule.lastStarted?.runName ?? ''} has not ended` };
    }
    if (index !== lastStarting) return { ...fire, outcome: 'SKIPPED', reason: 'OVERLAP', message: 'overlapPolicy SKIP: a later fire time due at the same moment started instead' };
    return fire;
  });
}
