import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryAgentRegistry } from '../shared/adapters/in-memory/in-memory-agent-registry.ts';
import { InMemorySchedulerJobs } from '../shared/adapters/in-memory/in-memory-scheduler-jobs.ts';
import { sampleAgentRecord, sampleParent } from '../shared/testing/agent-fixtures.ts';
import { createApiHandlersOverWorld, tokenOverWorld } from '../shared/testing/agents-api-over-world.ts';
import { ScriptedModel } from '../shared/testing/scripted-model.ts';
import { createInMemoryWorld } from '../shared/wiring/create-in-memory-world.ts';
import { ApiError, createApiClient } from './api-client.ts';
import { callScheduleVerb, scheduleBody } from './schedules-command.ts';

// The schedules commands' calls, made by the CLI's own API client over HTTP to the API's router.
const servers: ServerType[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function startApi() {
  const world = createInMemoryWorld({ model: new ScriptedModel([]) });
  const api = createApiHandlersOverWorld(world, { schedulerJobs: new InMemorySchedulerJobs() });
  await new InMemoryAgentRegistry(world.documents).transact(async (tx) => tx.createAgent(sampleAgentRecord('triager', { state: 'ENABLED', creator: 'ada' })));
  const server = serve({ fetch: api.api, port: 0, hostname: '127.0.0.1' });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return createApiClient(url, await tokenOverWorld('ada'));
}

const agent = `${sampleParent}/agents/triager`;
const schedule = `${agent}/schedules/nightly`;

describe('agentline schedules', () => {
  it('creates a schedule from the options, pauses, resumes, runs it now once per request id, and lists it and its fires', async () => {
    const client = await startApi();
    const body = await scheduleBody({ cron: '0 2 * * *', 'time-zone': 'Asia/Seoul', input: 'Triage', 'run-config': '{"max_llm_calls": 5}', 'catch-up': 'SKIP' });
    expect(body).toEqual({ cron: '0 2 * * *', timeZone: 'Asia/Seoul', catchUpPolicy: 'SKIP', run: { input: 'Triage', runConfig: { max_llm_calls: 5 } } });
    expect(await callScheduleVerb(client, 'create', schedule, {}, body)).toMatchObject({ name: schedule, state: 'ENABLED', catchUpPolicy: 'SKIP' });
    expect(await callScheduleVerb(client, 'pause', schedule, {})).toMatchObject({ state: 'PAUSED' });
    expect(await callScheduleVerb(client, 'resume', schedule, {})).toMatchObject({ state: 'ENABLED' });
    const fire = await callScheduleVerb(client, 'run-now', schedule, { 'request-id': 'once' });
    expect(await callScheduleVerb(client, 'run-now', schedule, { 'request-id': 'once' })).toEqual(fire);
    expect(await callScheduleVerb(client, 'fires', schedule, {})).toEqual({ fires: [fire] });
    expect(await callScheduleVerb(client, 'list', agent, {})).toMatchObject({ schedules: [{ name: schedule }] });
    expect(await callScheduleVerb(client, 'patch', schedule, { 'update-mask': 'cron' }, await scheduleBody({ cron: '30 3 * * *' }))).toMatchObject({ cron: '30 3 * * *' });
    expect(await callScheduleVerb(client, 'delete', schedule, {})).toEqual({});
    await expect(callScheduleVerb(client, 'get', schedule, {})).rejects.toThrow(ApiError);
  });

  it('refuses a create without the schedule id and bad JSON options before calling the API', async () => {
    const client = await startApi();
    expect(() => callScheduleVerb(client, 'create', agent, {}, {})).toThrow(/full schedule name/);
    await expect(scheduleBody({ 'run-config': '{max' })).rejects.toThrow(/--run-config is not valid JSON/);
  });
});
