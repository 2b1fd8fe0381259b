import { CloudSchedulerClient } from '@google-cloud/scheduler';
import { grpc } from 'google-gax';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PermanentDependencyError, TransientError } from '../../domain/errors.ts';
import { startCloudSchedulerGrpcServer, type CloudSchedulerGrpcServer } from '../../testing/cloud-scheduler-grpc-server.ts';
import { CloudSchedulerJobs } from './cloud-scheduler-jobs.ts';

// The real CloudSchedulerClient over gRPC to a local server built from its own protos.
let server: CloudSchedulerGrpcServer;
let client: CloudSchedulerClient;
const previousDetection = process.env['METADATA_SERVER_DETECTION'];
const locationPath = 'projects/acme/locations/europe-west1';
const topicName = 'projects/acme/topics/agentline-schedule-fires';
const job = { id: 'agentline-schedule-abc', cron: '0 2 * * *', timeZone: 'Asia/Seoul', paused: false, message: { schedule: 'projects/p/locations/global/collections/c/engines/e/agents/a/schedules/nightly' } };
const name = `${locationPath}/jobs/${job.id}`;

beforeAll(async () => {
  process.env['METADATA_SERVER_DETECTION'] = 'none';
  server = await startCloudSchedulerGrpcServer();
  client = new CloudSchedulerClient({ apiEndpoint: '127.0.0.1', port: server.port, sslCreds: grpc.credentials.createInsecure(), fallback: false });
});

afterAll(async () => {
  await client.close();
  await server.close();
  if (previousDetection === undefined) delete process.env['METADATA_SERVER_DETECTION'];
  else process.env['METADATA_SERVER_DETECTION'] = previousDetection;
});

beforeEach(() => {
  server.jobs.clear();
  server.calls.length = 0;
});

const jobs = () => new CloudSchedulerJobs(client, { locationPath, topicName });

describe('CloudSchedulerJobs with the real CloudSchedulerClient', () => {
  it('creates a missing job publishing the schedule message to the fires topic, and updates it in place the next time', async () => {
    await jobs().put(job);
    const stored = server.jobs.get(name);
    expect(stored).toMatchObject({ schedule: '0 2 * * *', timeZone: 'Asia/Seoul', state: 'ENABLED', pubsubTarget: { topicName } });
    expect(JSON.parse(stored!.pubsubTarget!.data!.toString('utf8'))).toEqual(job.message);
    await jobs().put({ ...job, cron: '30 3 * * 1-5' });
    expect(server.jobs.get(name)).toMatchObject({ schedule: '30 3 * * 1-5', state: 'ENABLED' });
    expect(server.calls.map((call) => call.method)).toEqual(['UpdateJob', 'CreateJob', 'UpdateJob']);
  });

  it('pauses and resumes the job to match the schedule, and only when it differs', async () => {
    await jobs().put({ ...job, paused: true });
    expect(server.jobs.get(name)?.state).toBe('PAUSED');
    await jobs().put({ ...job, paused: true });
    expect(server.calls.filter((call) => call.method === 'PauseJob')).toHaveLength(1);
    await jobs().put(job);
    expect(server.jobs.get(name)?.state).toBe('ENABLED');
  });

  it('deletes the job, and a job already gone is no error', async () => {
    await jobs().put(job);
    await jobs().delete(job.id);
    expect(server.jobs.has(name)).toBe(false);
    await expect(jobs().delete(job.id)).resolves.toBeUndefined();
  });

  it('reports an unavailable service as transient and a refusal as permanent', async () => {
    server.failNextCall(grpc.status.UNAVAILABLE);
    await expect(jobs().put(job)).rejects.toBeInstanceOf(TransientError);
    server.failNextCall(grpc.status.PERMISSION_DENIED);
    const refused = await jobs().put(job).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PermanentDependencyError);
    expect(String(refused)).toMatch(/Cloud Scheduler refused put \(PERMISSION_DENIED\)/);
  });
});
