import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.ts';

const cloudTasks = {
  AGENTLINE_TASKS_QUEUE: 'projects/p/locations/europe-west1/queues/agentline-delay',
  AGENTLINE_TASKS_SERVICE_ACCOUNT: 'agentline-invoker@p.iam.gserviceaccount.com',
};

describe('loadConfig', () => {
  it.each([
    [{}, { GOOGLE_CLOUD_PROJECT: 'agentline-local', AGENTLINE_MODEL_LEASE_SECONDS: 120 }],
    [{ GCLOUD_PROJECT: 'legacy' }, { GOOGLE_CLOUD_PROJECT: 'legacy' }],
    [{ GOOGLE_CLOUD_PROJECT: 'p1', GCLOUD_PROJECT: 'p2' }, { GOOGLE_CLOUD_PROJECT: 'p1' }],
    [{ AGENTLINE_MODEL_LEASE_SECONDS: '5' }, { AGENTLINE_MODEL_LEASE_SECONDS: 5 }],
    [{}, { AGENTLINE_DELAY_QUEUE: 'local' }],
    [{}, { AGENTLINE_OUTBOUND_ALLOW_LOOPBACK: false, AGENTLINE_OUTBOUND_TIMEOUT_SECONDS: 30, AGENTLINE_OUTBOUND_MAX_BYTES: 4_194_304 }],
    [{ AGENTLINE_OUTBOUND_ALLOW_LOOPBACK: 'true' }, { AGENTLINE_OUTBOUND_ALLOW_LOOPBACK: true }],
    [{ AGENTLINE_DELAY_QUEUE: 'cloud-tasks', ...cloudTasks }, { AGENTLINE_DELAY_QUEUE: 'cloud-tasks', ...cloudTasks }],
  ])('reads %j into the typed configuration', (env, expected) => {
    expect(loadConfig(env)).toMatchObject(expected);
  });

  it('names every bad variable in one error', () => {
    expect(() => loadConfig({ AGENTLINE_MODEL_LEASE_SECONDS: '-1', AGENTLINE_LOG_LEVEL: 'loud' })).toThrow(
      /AGENTLINE_MODEL_LEASE_SECONDS.*AGENTLINE_LOG_LEVEL/,
    );
  });

  it.each([
    [{ AGENTLINE_DELAY_QUEUE: 'cloud-tasks' }, /AGENTLINE_TASKS_QUEUE: required when AGENTLINE_DELAY_QUEUE=cloud-tasks.*AGENTLINE_TASKS_SERVICE_ACCOUNT: required/],
    [{ AGENTLINE_DELAY_QUEUE: 'cloud-tasks', ...cloudTasks, AGENTLINE_TASKS_SERVICE_ACCOUNT: undefined }, /AGENTLINE_TASKS_SERVICE_ACCOUNT: required/],
    [{ AGENTLINE_DELAY_QUEUE: 'cloud-tasks', ...cloudTasks, AGENTLINE_TASKS_QUEUE: 'agentline-delay' }, /AGENTLINE_TASKS_QUEUE: must be projects\//],
    [{ AGENTLINE_DELAY_QUEUE: 'cloud-tasks', ...cloudTasks, AGENTLINE_TASKS_SERVICE_ACCOUNT: 'invoker' }, /AGENTLINE_TASKS_SERVICE_ACCOUNT: must be a service account email/],
    [{ AGENTLINE_DELAY_QUEUE: 'tasks' }, /AGENTLINE_DELAY_QUEUE: must be 'local' or 'cloud-tasks'/],
  ])('refuses the delay queue settings %j, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reads the agent parents as a list and the per-user agent limit, 100 by default', () => {
    const engines = 'projects/a/locations/global/collections/c/engines/e, projects/b/locations/us/collections/c/engines/f';
    expect(loadConfig({ AGENTLINE_AGENT_PARENTS: engines, AGENTLINE_MAX_AGENTS_PER_USER: '7' })).toMatchObject({
      AGENTLINE_AGENT_PARENTS: ['projects/a/locations/global/collections/c/engines/e', 'projects/b/locations/us/collections/c/engines/f'],
      AGENTLINE_MAX_AGENTS_PER_USER: 7,
    });
    expect(loadConfig({})).toMatchObject({ AGENTLINE_MAX_AGENTS_PER_USER: 100 });
    expect(loadConfig({}).AGENTLINE_AGENT_PARENTS).toBeUndefined();
  });

  it.each([
    [{ AGENTLINE_AGENT_PARENTS: 'projects/a, projects/b/locations/l/collections/c/engines/e' }, /AGENTLINE_AGENT_PARENTS: must be engines of the form projects\/P\/locations\/L\/collections\/C\/engines\/E; not projects\/a$/],
    [{ AGENTLINE_AGENT_PARENTS: ' , ' }, /AGENTLINE_AGENT_PARENTS: must name at least one engine/],
    [{ AGENTLINE_MAX_AGENTS_PER_USER: '0' }, /AGENTLINE_MAX_AGENTS_PER_USER/],
  ])('refuses the agent creation settings %j, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('refuses an outbound loopback setting that is not a boolean', () => {
    expect(() => loadConfig({ AGENTLINE_OUTBOUND_ALLOW_LOOPBACK: 'sometimes' })).toThrow(
      /AGENTLINE_OUTBOUND_ALLOW_LOOPBACK: must be 'true' or 'false'/,
    );
  });

  it('ignores the Cloud Tasks variables when the delay queue is local', () => {
    expect(loadConfig({ AGENTLINE_DELAY_QUEUE: 'local', AGENTLINE_TASKS_QUEUE: 'unused' })).not.toHaveProperty('AGENTLINE_TASKS_QUEUE');
  });
});
