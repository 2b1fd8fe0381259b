import { Timestamp } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topology } from '../infra/topology.ts';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import { documentPaths } from '../shared/adapters/document-paths.ts';
import { schedulerJobId } from '../shared/domain/schedules/scheduler-job-id.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { createAgentsApiClient, type AgentsApiClient } from '../shared/testing/agents-api-client.ts';
import { textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { geminiWireTestEnv, startTestStack } from '../shared/testing/test-stack.ts';
import { until } from '../shared/testing/until.ts';
import { waitForTerminalRun } from '../shared/testing/wait-for-terminal-run.ts';

// Schedules on the emulators: the API's change reaches the sync worker through Pub/Sub and becomes
// the stack's scheduler job, and fire messages — the stack clock's and duplicates published by
// hand, as Cloud Scheduler and a retried publish would send them — start one run per fire time.
let stack: LocalStack;
let gemini: GeminiWireServer;
let api: AgentsApiClient;
let agent: string;
const parent = 'projects/p/locations/global/collections/default_collection/engines/e';

beforeAll(async () => {
  gemini = await startGeminiWireServer({ respond: () => textReply('done') });
  stack = await startTestStack('schedules', { env: { ...geminiWireTestEnv(gemini.url), AGENTLINE_LOG_LEVEL: 'silent' } });
  api = createAgentsApiClient(stack.functionsUrl, { ada: await mintLocalToken(stack.localAuthSecret, { userId: 'ada' }) });
  agent = await api.createAgent('ada', parent, `nightly${process.pid}`, {
    displayName: 'Nightly',
    description: 'Runs every minute in this test.',
    adkAgentDefinition: { agentConfig: 'name: nightly\ninstruction: Say done.\n' },
  });
  expect(await api.deploy('ada', agent)).toMatchObject({ response: { state: 'ENABLED' } });
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
});

const fires = async (schedule: string) => (await api.call('ada', 'GET', `${schedule}/fires`)).body['fires'] as Record<string, any>[];
const publishFire = (schedule: string) => stack.deps.pubsub.topic(topology.scheduleFiresTopic).publishMessage({ json: { schedule } });

describe('schedules on the local stack', () => {
  it('keeps a scheduler job for the schedule, and starts one run per fire time however many times its fire message arrives', async () => {
    const created = await api.call('ada', 'POST', `${agent}/schedules?scheduleId=minutely`, {
      cron: '* * * * *',
      timeZone: 'Europe/London',
      run: { input: 'Say done' },
      overlapPolicy: 'ALLOW',
      catchUpPolicy: 'ALL',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const schedule = created.body['name'] as string;
    const jobDocument = stack.deps.firestore.doc(documentPaths.localSchedulerJob(schedulerJobId(schedule)));
    await until(async () => (await jobDocument.get()).exists, 15_000);
    expect((await jobDocument.get()).data()).toMatchObject({ cron: '* * * * *', timeZone: 'Europe/London', paused: false, message: { schedule } });

    // As if the schedule had been created 150 s ago: two or three fire times are due now.
    const since = Date.now() - 150_000;
    await stack.deps.firestore.doc(documentPaths.schedule(agent, 'minutely')).update({ cursorTime: Timestamp.fromMillis(since) });
    const publishedAt = Date.now();
    await Promise.all([publishFire(schedule), publishFire(schedule), publishFire(schedule)]);
    const due = Math.floor(publishedAt / 60_000) - Math.floor(since / 60_000);
    await until(async () => (await fires(schedule)).length >= due, 15_000);
    // A retried publish of the same tick, a little later.
    await publishFire(schedule);
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const upToPublish = (await fires(schedule)).filter((fire) => Date.parse(fire['scheduledTime']) <= publishedAt);
    expect(upToPublish).toHaveLength(due);
    expect(new Set(upToPublish.map((fire) => fire['scheduledTime'])).size).toBe(due);
    for (const fire of upToPublish) {
      expect(fire).toMatchObject({ outcome: 'STARTED', run: expect.stringMatching(/^runs\/r/) });
      expect(Date.parse(fire['scheduledTime']) % 60_000).toBe(0);
      expect(await waitForTerminalRun(stack.deps.store, fire['run'].slice('runs/'.length))).toMatchObject({ state: 'SUCCEEDED', userId: 'ada', input: 'Say done' });
    }
    expect(new Set(upToPublish.map((fire) => fire['run'])).size).toBe(due);
  });

  it('pauses the scheduler job with the schedule, and a fire message meanwhile starts nothing', async () => {
    const created = await api.call('ada', 'POST', `${agent}/schedules?scheduleId=paused`, { cron: '* * * * *', timeZone: 'UTC', run: { input: 'Say done' } });
    const schedule = created.body['name'] as string;
    expect((await api.call('ada', 'POST', `${schedule}:pause`, {})).body).toMatchObject({ state: 'PAUSED' });
    const jobDocument = stack.deps.firestore.doc(documentPaths.localSchedulerJob(schedulerJobId(schedule)));
    await until(async () => (await jobDocument.get()).data()?.['paused'] === true, 15_000);
    await stack.deps.firestore.doc(documentPaths.schedule(agent, 'paused')).update({ cursorTime: Timestamp.fromMillis(Date.now() - 150_000) });
    await publishFire(schedule);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await fires(schedule)).toEqual([]);
  });
});
