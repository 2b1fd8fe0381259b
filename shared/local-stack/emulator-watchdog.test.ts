import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from './process-group.ts';
import { until } from '../testing/until.ts';

const here = new URL('.', import.meta.url).pathname;

/**
 * A Node process standing in for an emulator guardian without `setpriv`: it starts a watchdog
 * (grace 500 ms) and two process groups as the JVMs — one that ends on SIGTERM, one that ignores
 * it — watches both, prints the pids, and then does what `ending` says.
 */
async function ownerOfTwoGroups(ending: string) {
  const script = `
    import { startEmulatorWatchdog } from '${here}emulator-watchdog.ts';
    import { spawnProcessGroup } from '${here}process-group.ts';
    const watchdog = await startEmulatorWatchdog(500);
    const polite = await spawnProcessGroup('sleep', ['300'], { stopWithThisProcess: false });
    const stubborn = await spawnProcessGroup('bash', ['-c', 'trap "" TERM; sleep 300 & wait; sleep 300'], { stopWithThisProcess: false });
    watchdog.watch(polite.pid);
    watchdog.watch(stubborn.pid);
    console.log(JSON.stringify({ watchdog: watchdog.pid, polite: polite.pid, stubborn: stubborn.pid }));
    ${ending}
  `;
  const owner = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  owner.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  await until(() => stdout.includes('\n'), 10_000);
  return { owner, pids: JSON.parse(stdout) as { watchdog: number; polite: number; stubborn: number } };
}

describe('startEmulatorWatchdog', () => {
  it('stops every watched group when its owner is killed with SIGKILL: SIGTERM, then SIGKILL after the grace', async () => {
    const { owner, pids } = await ownerOfTwoGroups('setInterval(() => {}, 1000);');
    try {
      const killedAt = Date.now();
      owner.kill('SIGKILL');

      await until(() => !isProcessAlive(pids.polite), 2_000);
      await until(() => !isProcessAlive(pids.stubborn), 5_000);
      // The one that ignores SIGTERM lasts the grace (500 ms), then SIGKILL ends it.
      expect(Date.now() - killedAt).toBeGreaterThanOrEqual(450);
      await until(() => !isProcessAlive(pids.watchdog), 2_000);
    } finally {
      for (const pid of Object.values(pids)) if (isProcessAlive(pid)) process.kill(-pid, 'SIGKILL');
    }
  });

  it('exits without touching the groups once released (they were stopped already)', async () => {
    const { owner, pids } = await ownerOfTwoGroups('watchdog.release(); setInterval(() => {}, 1000);');
    try {
      await until(() => !isProcessAlive(pids.watchdog), 2_000);
      owner.kill('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect([isProcessAlive(pids.polite), isProcessAlive(pids.stubborn)]).toEqual([true, true]);
    } finally {
      for (const pid of [pids.polite, pids.stubborn]) process.kill(-pid, 'SIGKILL');
    }
  });
});
