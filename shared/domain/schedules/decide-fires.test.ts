import { describe, expect, it } from 'vitest';
import { decideFires, type FireDecisionInput } from './decide-fires.ts';
import type { ScheduleRecord } from './schedule-record.ts';
import type { CatchUpPolicy, OverlapPolicy } from './schedule-fields.ts';

const hour = 3_600_000;
const start = Date.parse('2026-06-01T00:00:00Z');

function schedule(overrides: { catchUpPolicy?: CatchUpPolicy; overlapPolicy?: OverlapPolicy; state?: ScheduleRecord['state']; cursorTime?: number } = {}): ScheduleRecord {
  return {
    schemaVersion: 1,
    name: 'projects/p/locations/global/collections/c/engines/e/agents/a/schedules/hourly',
    agent: 'projects/p/locations/global/collections/c/engines/e/agents/a',
    creator: 'ada',
    agentCreateTime: 1,
    fields: { cron: '0 * * * *', timeZone: 'UTC', run: { input: 'tick' }, catchUpPolicy: overrides.catchUpPolicy ?? 'LATEST', overlapPolicy: overrides.overlapPolicy ?? 'ALLOW' },
    state: overrides.state ?? 'ENABLED',
    cursorTime: overrides.cursorTime ?? start,
    ...(overrides.overlapPolicy === 'SKIP' ? { lastStarted: { scheduledTime: start, runName: 'runs/rprev' } } : {}),
    createTime: start,
    updateTime: start,
  };
}

const decide = (record: ScheduleRecord, now: number, more: Partial<FireDecisionInput> = {}) =>
  decideFires({ schedule: record, now, previousRunActive: false, onTimeMs: 10 * 60_000, maxCatchUpFires: 3, ...more });
const summary = (fires: ReturnType<typeof decide>['fires']) => fires.map((fire) => `${fire.kind} ${fire.outcome} ${new Date(fire.scheduledTime).toISOString().slice(11, 16)}${fire.missed ? ` missed=${fire.missed.count}` : ''}`);

describe('deciding the fires of a schedule message', () => {
  it('starts the fire time the message is for, once: a duplicate of the message finds the cursor past it', () => {
    const first = decide(schedule(), start + hour + 2_000);
    expect(summary(first.fires)).toEqual(['SCHEDULED STARTED 01:00']);
    expect(first.cursorTime).toBe(start + hour + 2_000);
    expect(decide({ ...schedule(), cursorTime: first.cursorTime }, start + hour + 2_000).fires).toEqual([]);
  });

  it('starts nothing while paused, and keeps the cursor so the fires missed meanwhile are found on resume', () => {
    expect(decide(schedule({ state: 'PAUSED' }), start + 5 * hour)).toEqual({ fires: [], cursorTime: start });
  });

  it('catches up fires missed while paused per policy: LATEST starts the latest one and counts the rest', () => {
    // Resumed at 05:30: 01:00 … 05:00 were missed, none is on time.
    expect(summary(decide(schedule({ catchUpPolicy: 'LATEST' }), start + 5.5 * hour).fires)).toEqual(['CATCH_UP STARTED 05:00 missed=4']);
  });

  it('SKIP starts none of them and records one fire saying how many were missed', () => {
    const { fires } = decide(schedule({ catchUpPolicy: 'SKIP' }), start + 5.5 * hour);
    expect(summary(fires)).toEqual(['CATCH_UP SKIPPED 05:00 missed=5']);
    expect(fires[0]).toMatchObject({ reason: 'CATCH_UP_POLICY', message: expect.stringContaining('5 missed fire time(s) not started') });
  });

  it('ALL starts each of the latest maxCatchUpFires missed fire times, the first counting the ones left out', () => {
    expect(summary(decide(schedule({ catchUpPolicy: 'ALL' }), start + 5.5 * hour).fires)).toEqual([
      'CATCH_UP STARTED 03:00 missed=2',
      'CATCH_UP STARTED 04:00',
      'CATCH_UP STARTED 05:00',
    ]);
  });

  it('an on-time fire after missed ones starts as scheduled; LATEST then records the missed ones as skipped', () => {
    expect(summary(decide(schedule({ catchUpPolicy: 'LATEST' }), start + 3 * hour + 60_000).fires)).toEqual(['CATCH_UP SKIPPED 02:00 missed=2', 'SCHEDULED STARTED 03:00']);
    expect(summary(decide(schedule({ catchUpPolicy: 'ALL' }), start + 3 * hour + 60_000).fires)).toEqual(['CATCH_UP STARTED 01:00', 'CATCH_UP STARTED 02:00', 'SCHEDULED STARTED 03:00']);
  });

  it('overlapPolicy SKIP starts nothing while the previous run is going, and only the latest of fires due together', () => {
    const going = decide(schedule({ overlapPolicy: 'SKIP' }), start + hour + 1_000, { previousRunActive: true });
    expect(going.fires).toEqual([expect.objectContaining({ outcome: 'SKIPPED', reason: 'OVERLAP', message: expect.stringContaining('runs/rprev') })]);
    expect(summary(decide(schedule({ overlapPolicy: 'SKIP', catchUpPolicy: 'ALL' }), start + 3 * hour + 60_000).fires)).toEqual([
      'CATCH_UP SKIPPED 01:00',
      'CATCH_UP SKIPPED 02:00',
      'SCHEDULED STARTED 03:00',
    ]);
  });

  it('finds no fire before the first fire time after the cursor', () => {
    expect(decide(schedule(), start + 30 * 60_000)).toEqual({ fires: [], cursorTime: start + 30 * 60_000 });
  });
});
