import { describe, expect, it } from 'vitest';
import { localStackSettings } from './dev-stack-file.ts';

describe('localStackSettings', () => {
  it.each([
    ['nothing set: ~/.agentline/data, saved every 30 s', {}, { dataDir: '/home/ada/.agentline/data', saveIntervalMs: 30_000 }],
    ['a data folder', { AGENTLINE_DATA_DIR: '/srv/agentline' }, { dataDir: '/srv/agentline', saveIntervalMs: 30_000 }],
    ['empty variables count as unset', { AGENTLINE_DATA_DIR: '', AGENTLINE_SAVE_INTERVAL_SECONDS: '' }, { dataDir: '/home/ada/.agentline/data', saveIntervalMs: 30_000 }],
    ['a shorter save interval', { AGENTLINE_SAVE_INTERVAL_SECONDS: '2.5' }, { dataDir: '/home/ada/.agentline/data', saveIntervalMs: 2_500 }],
    ['0: no periodic save', { AGENTLINE_SAVE_INTERVAL_SECONDS: '0' }, { dataDir: '/home/ada/.agentline/data', saveIntervalMs: 0 }],
  ])('reads %s', (_name, env, expected) => {
    expect(localStackSettings(env, '/home/ada')).toEqual(expected);
  });

  it.each([['-1'], ['soon']])('refuses AGENTLINE_SAVE_INTERVAL_SECONDS=%s, naming the variable', (value) => {
    expect(() => localStackSettings({ AGENTLINE_SAVE_INTERVAL_SECONDS: value }, '/home/ada')).toThrow(/^Invalid environment: AGENTLINE_SAVE_INTERVAL_SECONDS: /);
  });
});
