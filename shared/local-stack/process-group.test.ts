import { describe, expect, it } from 'vitest';
import { isProcessAlive, spawnProcessGroup } from './process-group.ts';
import { until } from '../testing/until.ts';

describe('spawnProcessGroup', () => {
  it('stops the leader and everything it forked', async () => {
    const group = await spawnProcessGroup('bash', ['-c', 'sleep 300 & echo $!; sleep 300']);
    await until(() => /\d+/.test(group.outputTail()));
    const grandchild = Number(group.outputTail().trim());
    expect(isProcessAlive(group.pid)).toBe(true);
    expect(isProcessAlive(grandchild)).toBe(true);

    await group.stop();

    expect(await group.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(isProcessAlive(group.pid)).toBe(false);
    await until(() => !isProcessAlive(grandchild));
  });

  it('kills a process that ignores SIGTERM once the grace period is over', async () => {
    const group = await spawnProcessGroup('bash', ['-c', 'trap "" TERM; echo ready; sleep 300']);
    await until(() => group.outputTail().includes('ready'));
    const started = Date.now();

    await group.stop(300);

    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect((await group.exited).signal).toBe('SIGKILL');
    expect(isProcessAlive(group.pid)).toBe(false);
  });

  it('is idempotent and fine after the process has exited by itself', async () => {
    const group = await spawnProcessGroup('bash', ['-c', 'echo bye; exit 3']);
    expect(await group.exited).toEqual({ code: 3, signal: null });
    expect(group.hasExited()).toBe(true);
    await Promise.all([group.stop(), group.stop()]);
    expect(group.stop()).toBe(group.stop());
    expect(group.outputTail()).toBe('bye\n');
  });

  it('rejects when the command does not exist', async () => {
    await expect(spawnProcessGroup('/nonexistent/agentline-java', [])).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
