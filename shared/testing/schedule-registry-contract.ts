import { describe, expect, it } from 'vitest';
import { ResourceExistsError } from '../domain/errors.ts';
import type { FireRecord } from '../domain/schedules/fire-record.ts';
import type { ScheduleRecord } from '../domain/schedules/schedule-record.ts';
import type { AgentRegistry } from '../ports/agent-registry.ts';
import { sampleAgentName } from './trigger-fixtures.ts';

let counter = 0;
/** Ids unique per test so suites can share one database. */
const uniqueId = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

export function sampleScheduleRecord(agent: string, id: string, overrides: Partial<ScheduleRecord> = {}): ScheduleRecord {
  return {
    schemaVersion: 1,
    name: `${agent}/schedules/${id}`,
    agent,
    creator: 'ada',
    agentCreateTime: 1_000,
    fields: { cron: '0 2 * * *', timeZone: 'Asia/Seoul', run: { input: 'Triage yesterday', runConfig: { max_llm_calls: 5 } }, catchUpPolicy: 'LATEST', overlapPolicy: 'SKIP' },
    state: 'ENABLED',
    cursorTime: 2_000,
    createTime: 2_000,
    updateTime: 2_000,
    ...overrides,
  };
}

function sampleFire(schedule: string, id: string, overrides: Partial<FireRecord> = {}): FireRecord {
  return { schemaVersion: 1, id, schedule, scheduledTime: 5_000, kind: 'SCHEDULED', outcome: 'STARTED', runName: 'runs/r1', createTime: 5_100, ...overrides };
}

/**
 * What every AgentRegistry does with schedules and their fire records: run in memory in unit
 * tests and against Firestore (emulator) in integration tests.
 */
export function describeScheduleRegistryContract(name: string, createRegistry: () => AgentRegistry): void {
  describe(`AgentRegistry schedule contract: ${name}`, () => {
    it('creates, reads, replaces and deletes a schedule, inside and outside transactions, and refuses a second create', async () => {
      const registry = createRegistry();
      const base = sampleScheduleRecord(sampleAgentName(uniqueId('a')), 'nightly', { lastStarted: { scheduledTime: 1_500, startTime: 1_600, batchName: 'batches/b0' } });
      // Batch items are any JSON, arrays in arrays included, which a Firestore document cannot hold as they are.
      const { run: _run, ...fields } = base.fields;
      const schedule = { ...base, fields: { ...fields, batch: { items: [['en', 'hi'], [1, [2]]], concurrency: 2 } } };
      expect(await registry.getSchedule(schedule.name)).toBeUndefined();
      await registry.transact(async (tx) => tx.createSchedule(schedule));
      expect(await registry.getSchedule(schedule.name)).toEqual(schedule);
      await expect(registry.transact(async (tx) => tx.createSchedule(schedule))).rejects.toBeInstanceOf(ResourceExistsError);
      const paused = { ...schedule, state: 'PAUSED' as const, pauseTime: 3_000, updateTime: 3_000 };
      await registry.transact(async (tx) => {
        expect(await tx.getSchedule(schedule.name)).toEqual(schedule);
        tx.putSchedule(paused);
      });
      expect(await registry.getSchedule(schedule.name)).toEqual(paused);
      await registry.transact(async (tx) => tx.deleteSchedule(schedule.name));
      expect(await registry.getSchedule(schedule.name)).toBeUndefined();
    });

    it("pages through an agent's schedules by id, and no other agent's", async () => {
      const registry = createRegistry();
      const agent = sampleAgentName(uniqueId('a'));
      await registry.transact(async (tx) => {
        for (const id of ['c', 'a', 'b']) tx.createSchedule(sampleScheduleRecord(agent, id));
        tx.createSchedule(sampleScheduleRecord(sampleAgentName(uniqueId('other')), 'a'));
      });
      const first = await registry.listSchedules(agent, { pageSize: 2, after: undefined });
      expect(first.items.map((schedule) => schedule.name)).toEqual([`${agent}/schedules/a`, `${agent}/schedules/b`]);
      const rest = await registry.listSchedules(agent, { pageSize: 2, after: first.next });
      expect(rest.items.map((schedule) => schedule.name)).toEqual([`${agent}/schedules/c`]);
      expect(rest.next).toBeUndefined();
    });

    it('creates a fire record once, and lists fires newest first a page at a time', async () => {
      const registry = createRegistry();
      const schedule = `${sampleAgentName(uniqueId('a'))}/schedules/nightly`;
      const skipped = sampleFire(schedule, 't2', { createTime: 7_000, outcome: 'SKIPPED', reason: 'CATCH_UP_POLICY', message: 'm', runName: undefined, missed: { count: 3, countCapped: false, firstTime: 4_000 } });
      const { runName: _none, ...skippedStored } = skipped;
      await registry.transact(async (tx) => {
        expect(await tx.getFire(schedule, 't1')).toBeUndefined();
        tx.createFire(sampleFire(schedule, 't1'));
        tx.createFire(skipped);
        tx.createFire(sampleFire(schedule, 'n1', { kind: 'RUN_NOW', createTime: 6_000 }));
      });
      await expect(registry.transact(async (tx) => tx.createFire(sampleFire(schedule, 't1')))).rejects.toBeInstanceOf(ResourceExistsError);
      expect(await registry.transact((tx) => tx.getFire(schedule, 't1'))).toEqual(sampleFire(schedule, 't1'));
      const first = await registry.listFires(schedule, { pageSize: 2, after: undefined });
      expect(first.items).toEqual([skippedStored, sampleFire(schedule, 'n1', { kind: 'RUN_NOW', createTime: 6_000 })]);
      const rest = await registry.listFires(schedule, { pageSize: 2, after: first.next });
      expect(rest.items.map((fire) => fire.id)).toEqual(['t1']);
      expect(rest.next).toBeUndefined();
    });
  });
}
