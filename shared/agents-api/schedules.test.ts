import { describe, expect, it } from 'vitest';
import { InMemoryAgentRegistry } from '../adapters/in-memory/in-memory-agent-registry.ts';
import { InMemorySchedulerJobs } from '../adapters/in-memory/in-memory-scheduler-jobs.ts';
import { schedulerJobId } from '../domain/schedules/scheduler-job-id.ts';
import type { Delivery } from '../engine/delivery.ts';
import { sampleAgentRecord, sampleParent } from '../testing/agent-fixtures.ts';
import { createApiHandlersOverWorld, tokenOverWorld } from '../testing/agents-api-over-world.ts';
import { callApi } from '../testing/call-api.ts';
import { modelText, ScriptedModel } from '../testing/scripted-model.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';

const agent = `${sampleParent}/agents/triager`;
const hour = 3_600_000;
const midnight = Date.parse('2026-06-01T00:00:00.000Z');
const hourly = { cron: '0 * * * *', timeZone: 'UTC', run: { input: 'Triage the last hour' } };

/** The API and both schedule workers over an in-memory world whose pipeline runs what fires start, on a clock the test moves. */
async function start(replies = 10) {
  const world = createInMemoryWorld({ model: new ScriptedModel(Array.from({ length: replies }, () => modelText('triaged'))) });
  const jobs = new InMemorySchedulerJobs();
  const clock = { time: midnight, now: () => clock.time };
  const api = createApiHandlersOverWorld(world, { schedulerJobs: jobs, clock });
  world.queue.subscribe('schedule-sync', api.syncScheduleJob);
  world.queue.subscribe('schedule-fire', api.fireSchedule);
  world.queue.subscribe('batch-fan-out', api.fanOutBatch);
  world.queue.subscribe('batch-item', api.advanceBatch);
  await new InMemoryAgentRegistry(world.documents).transact(async (tx) => tx.createAgent(sampleAgentRecord('triager', { state: 'ENABLED', creator: 'ada' })));
  const call = async (user: string, method: string, path: string, body?: unknown, query: Record<string, string> = {}) =>
    callApi(api.api, { method, path: `/v1/${path}`, query, authorization: `Bearer ${await tokenOverWorld(user, user === 'root')}`, body });
  /** What the schedule's Cloud Scheduler job publishes, as Pub/Sub delivers it (again, for a duplicate). */
  const tick = (schedule: string, publishTime: number, messageId = `m${publishTime}`) => {
    const delivery: Delivery = { messageId, data: Buffer.from(JSON.stringify({ schedule })), attributes: {}, source: 'agentline-schedule-fires', publishTime };
    return api.fireSchedule(delivery);
  };
  const fires = async (schedule: string) => ((await call('ada', 'GET', `${schedule}/fires`)).body as { fires: Record<string, unknown>[] }).fires;
  const submissions = () => world.queue.published.filter((message) => message.topic === 'trusted-submissions');
  return { world, jobs, clock, call, tick, fires, submissions };
}

async function createHourly(w: Awaited<ReturnType<typeof start>>, overrides: Record<string, unknown> = {}) {
  const created = await w.call('ada', 'POST', `${agent}/schedules`, { ...hourly, ...overrides }, { scheduleId: 'hourly' });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  await w.world.queue.idle();
  return `${agent}/schedules/hourly`;
}

describe('schedules through the API and their workers', () => {
  it('creates a schedule with its Cloud Scheduler job, and answers its next fire time and policies', async () => {
    const w = await start();
    const name = await createHourly(w);
    expect(w.jobs.jobs.get(schedulerJobId(name))).toEqual({ id: schedulerJobId(name), cron: '0 * * * *', timeZone: 'UTC', paused: false, message: { schedule: name } });
    expect((await w.call('ada', 'GET', name)).body).toMatchObject({
      name,
      state: 'ENABLED',
      creator: 'ada',
      overlapPolicy: 'SKIP',
      catchUpPolicy: 'LATEST',
      nextFireTime: '2026-06-01T01:00:00.000Z',
    });
  });

  it('starts one run per fire time: a duplicated Scheduler delivery and a retried publish start nothing more', async () => {
    const w = await start();
    const name = await createHourly(w);
    w.clock.time = midnight + hour + 2_000;
    await w.tick(name, midnight + hour + 1_000);
    await w.tick(name, midnight + hour + 1_000, 'same-message-again');
    await w.tick(name, midnight + hour + 4_000, 'publish-retried');
    await w.world.queue.idle();
    const [fire, ...others] = await w.fires(name);
    expect(others).toEqual([]);
    expect(fire).toMatchObject({ id: 't001780275600000', scheduledTime: '2026-06-01T01:00:00.000Z', kind: 'SCHEDULED', outcome: 'STARTED', run: expect.stringMatching(/^runs\/r/) });
    expect(w.submissions()).toHaveLength(1);
    const run = await w.world.store.getRun(String(fire!['run']).slice('runs/'.length));
    expect(run).toMatchObject({ state: 'SUCCEEDED', userId: 'ada', input: 'Triage the last hour', output: { text: 'triaged' } });
  });

  it('misses fires while paused, and on resume catches up per policy (LATEST: the latest missed one, counting the rest)', async () => {
    const w = await start();
    const name = await createHourly(w);
    w.clock.time = midnight + 1.5 * hour;
    const paused = (await w.call('ada', 'POST', `${name}:pause`)).body;
    expect(paused).toMatchObject({ state: 'PAUSED' });
    expect(paused).not.toHaveProperty('nextFireTime');
    await w.world.queue.idle();
    expect(w.jobs.jobs.get(schedulerJobId(name))?.paused).toBe(true);
    // A tick published before the job was paused, delivered late: the schedule starts nothing.
    await w.tick(name, midnight + 2 * hour);
    expect(await w.fires(name)).toEqual([]);
    w.clock.time = midnight + 5.5 * hour;
    expect((await w.call('ada', 'POST', `${name}:resume`)).body).toMatchObject({ state: 'ENABLED', nextFireTime: '2026-06-01T06:00:00.000Z' });
    await w.world.queue.idle();
    expect(w.jobs.jobs.get(schedulerJobId(name))?.paused).toBe(false);
    const fires = await w.fires(name);
    expect(fires).toEqual([
      expect.objectContaining({ scheduledTime: '2026-06-01T05:00:00.000Z', kind: 'CATCH_UP', outcome: 'STARTED', missed: { count: 4, countCapped: false, firstTime: '2026-06-01T01:00:00.000Z' } }),
    ]);
    expect(w.submissions()).toHaveLength(1);
  });

  it('with catchUpPolicy SKIP, resume starts none of the missed fires and records how many were missed', async () => {
    const w = await start();
    const name = await createHourly(w, { catchUpPolicy: 'SKIP' });
    await w.call('ada', 'POST', `${name}:pause`);
    w.clock.time = midnight + 3.5 * hour;
    await w.call('ada', 'POST', `${name}:resume`);
    await w.world.queue.idle();
    expect(await w.fires(name)).toEqual([expect.objectContaining({ outcome: 'SKIPPED', reason: 'CATCH_UP_POLICY', missed: expect.objectContaining({ count: 3 }) })]);
    expect(w.submissions()).toHaveLength(0);
  });

  it('runs now once per requestId, even while paused', async () => {
    const w = await start();
    const name = await createHourly(w);
    await w.call('ada', 'POST', `${name}:pause`);
    const first = await w.call('ada', 'POST', `${name}:runNow`, undefined, { requestId: 'r-1' });
    const again = await w.call('ada', 'POST', `${name}:runNow`, undefined, { requestId: 'r-1' });
    expect(first.body).toMatchObject({ kind: 'RUN_NOW', outcome: 'STARTED', run: expect.stringMatching(/^runs\//) });
    expect(again.body).toEqual(first.body);
    await w.world.queue.idle();
    expect(w.submissions()).toHaveLength(1);
  });

  it('lets only those who may update the agent manage its schedules, and refuses an invalid one naming the problem', async () => {
    const w = await start();
    const name = await createHourly(w);
    expect((await w.call('bob', 'GET', name)).status).toBe(403);
    expect((await w.call('bob', 'POST', `${name}:runNow`)).status).toBe(403);
    expect((await w.call('bob', 'GET', `${name}/fires`)).status).toBe(403);
    expect((await w.call('ada', 'GET', `${agent}/schedules/other`)).body).toMatchObject({ error: { code: 404, details: [{ reason: 'SCHEDULE_NOT_FOUND' }] } });
    const bad = await w.call('ada', 'POST', `${agent}/schedules`, { ...hourly, timeZone: 'Europe/Atlantis' });
    expect(bad.body).toMatchObject({ error: { code: 400, message: expect.stringContaining('timeZone "Europe/Atlantis" is not an IANA time zone'), details: [{ reason: 'INVALID_SCHEDULE' }] } });
    const unknownField = await w.call('ada', 'POST', `${agent}/schedules`, { ...hourly, colour: 'red' });
    expect(JSON.stringify(unknownField.body)).toContain('colour');
  });

  it('deletes the schedule and its job; a tick for it afterwards starts nothing', async () => {
    const w = await start();
    const name = await createHourly(w);
    expect((await w.call('ada', 'DELETE', name)).status).toBe(200);
    await w.world.queue.idle();
    expect(w.jobs.jobs.size).toBe(0);
    await w.tick(name, midnight + hour);
    expect(w.submissions()).toHaveLength(0);
  });

  it('a batch schedule starts one batch per fire time, created by its first fan-out, even when the fire message comes twice', async () => {
    const w = await start();
    const created = await w.call('ada', 'POST', `${agent}/schedules`, { cron: '0 * * * *', timeZone: 'UTC', batch: { items: ['a', 'b', 'c'], concurrency: 2 } }, { scheduleId: 'hourly-batch' });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const name = `${agent}/schedules/hourly-batch`;
    w.clock.time = midnight + hour + 2_000;
    await w.tick(name, midnight + hour + 1_000);
    await w.tick(name, midnight + hour + 1_000, 'again');
    await w.world.queue.idle();
    const [fire, ...others] = await w.fires(name);
    expect(others).toEqual([]);
    expect(fire).toMatchObject({ outcome: 'STARTED', batch: expect.stringMatching(/^batches\/b[0-9a-f]{24}$/) });
    expect(fire).not.toHaveProperty('run');
    expect((await w.call('ada', 'GET', String(fire!['batch']))).body).toMatchObject({ state: 'SUCCEEDED', userId: 'ada', counts: { succeeded: 3 } });
    expect(w.submissions()).toHaveLength(3);
  });

  it('refuses a schedule that starts both a run and a batch, or neither', async () => {
    const w = await start();
    const both = await w.call('ada', 'POST', `${agent}/schedules`, { ...hourly, batch: { items: ['a'] } });
    expect(both.body).toMatchObject({ error: { code: 400, message: expect.stringContaining('exactly one of run') } });
    const neither = await w.call('ada', 'POST', `${agent}/schedules`, { cron: '0 * * * *', timeZone: 'UTC' });
    expect(neither.body).toMatchObject({ error: { code: 400, message: expect.stringContaining('exactly one of run') } });
  });

  it("lets only the schedule's creator change what it starts or run it now, an admin included", async () => {
    const w = await start();
    const name = await createHourly(w);
    const patched = await w.call('root', 'PATCH', name, { run: { input: 'something else' } }, { updateMask: 'run' });
    expect(patched.body).toMatchObject({ error: { code: 403, details: [{ reason: 'NOT_SCHEDULE_CREATOR' }] } });
    expect((await w.call('root', 'POST', `${name}:runNow`)).body).toMatchObject({ error: { code: 403, details: [{ reason: 'NOT_SCHEDULE_CREATOR' }] } });
    // Managing it otherwise is theirs too.
    expect((await w.call('root', 'POST', `${name}:pause`)).body).toMatchObject({ state: 'PAUSED' });
    expect((await w.call('root', 'PATCH', name, { cron: '30 * * * *' }, { updateMask: 'cron' })).body).toMatchObject({ cron: '30 * * * *' });
    expect(w.submissions()).toHaveLength(0);
  });

  it('starts the run of a schedule whose name is as long as names get', async () => {
    const w = await start();
    const id = `s${'x'.repeat(61)}z`;
    const created = await w.call('ada', 'POST', `${agent}/schedules`, hourly, { scheduleId: id });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const fire = (await w.call('ada', 'POST', `${agent}/schedules/${id}:runNow`, undefined, { requestId: 'long' })).body as Record<string, unknown>;
    await w.world.queue.idle();
    expect(await w.world.store.getRun(String(fire['run']).slice('runs/'.length))).toMatchObject({ state: 'SUCCEEDED', userId: 'ada' });
  });

  it('refuses cron syntax Cloud Scheduler does not take', async () => {
    const w = await start();
    for (const cron of ['0 0 L * *', '0 0 ? * MON', '0 0 * * 5#3', '0 0 15W * *']) {
      const refused = await w.call('ada', 'POST', `${agent}/schedules`, { ...hourly, cron });
      expect(refused.body, cron).toMatchObject({ error: { code: 400, message: expect.stringContaining('is not unix-cron') } });
    }
    expect((await w.call('ada', 'POST', `${agent}/schedules`, { ...hourly, cron: '0 9 * JAN-MAR MON-FRI' })).status).toBe(200);
  });

  it("removes a schedule its agent's deletion left behind, and its job, at its next tick", async () => {
    const w = await start();
    const name = await createHourly(w);
    await new InMemoryAgentRegistry(w.world.documents).transact(async (tx) => tx.deleteAgent((await tx.getAgent(agent))!));
    await w.tick(name, midnight + hour + 1_000);
    await w.world.queue.idle();
    expect(w.submissions()).toHaveLength(0);
    expect(w.jobs.jobs.size).toBe(0);
    expect(await new InMemoryAgentRegistry(w.world.documents).getSchedule(name)).toBeUndefined();
  });
});
