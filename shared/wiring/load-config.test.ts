import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.ts';

describe('loadConfig', () => {
  it.each([
    [{}, { GOOGLE_CLOUD_PROJECT: 'agentline-local', AGENTLINE_MODEL_LEASE_SECONDS: 120 }],
    [{ GCLOUD_PROJECT: 'legacy' }, { GOOGLE_CLOUD_PROJECT: 'legacy' }],
    [{ GOOGLE_CLOUD_PROJECT: 'p1', GCLOUD_PROJECT: 'p2' }, { GOOGLE_CLOUD_PROJECT: 'p1' }],
    [{ AGENTLINE_MODEL_LEASE_SECONDS: '5' }, { AGENTLINE_MODEL_LEASE_SECONDS: 5 }],
  ])('reads %j into the typed configuration', (env, expected) => {
    expect(loadConfig(env)).toMatchObject(expected);
  });

  it('names every bad variable in one error', () => {
    expect(() => loadConfig({ AGENTLINE_MODEL_LEASE_SECONDS: '-1', AGENTLINE_LOG_LEVEL: 'loud' })).toThrow(
      /AGENTLINE_MODEL_LEASE_SECONDS.*AGENTLINE_LOG_LEVEL/,
    );
  });
});
