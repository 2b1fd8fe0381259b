import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from './process-group.ts';
import { registerCleanup } from './register-cleanup.ts';

const here = new URL('.', import.meta.url).pathname;

// A child Node process that starts a long-lived process group, registers its stop, prints the
// group's pid, and then ends in the way `ending` says.
function script(ending: string): string {
  return `
    import { spawnProcessGroup } from '${here}process-group.ts';
    import { registerCleanup } from '${here}register-cleanup.ts';
    const group = await spawnProcessGroup('sleep', ['300']);
    registerCleanup(() => group.stop());
    console.log(group.pid);
    ${ending}
  `;
}

async function runChild(ending: string, signal?: NodeJS.Signals) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script(ending)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const pid = await new Promise<number>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolve(Number.parseInt(stdout, 10));
    }),
  );
  if (signal) child.kill(signal);
  const [code, endSignal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  return { code, signal: endSignal, groupAlive: isProcessAlive(pid), stderr };
}

describe('registerCleanup', () => {
  it.each<[string, string, NodeJS.Signals | undefined, number | null, NodeJS.Signals | null]>([
    ['process.exit keeps its code', 'process.exit(3);', undefined, 3, null],
    ['an uncaught exception still exits 1', "setTimeout(() => { throw new Error('boom'); });", undefined, 1, null],
    ['an unhandled rejection still exits 1', "void Promise.reject(new Error('boom'));", undefined, 1, null],
    ['SIGINT is re-raised after stopping', 'setInterval(() => {}, 1000);', 'SIGINT', null, 'SIGINT'],
    ['SIGTERM is re-raised after stopping', 'setInterval(() => {}, 1000);', 'SIGTERM', null, 'SIGTERM'],
  ])('stops what was registered when %s', async (_name, ending, signal, code, endSignal) => {
    const result = await runChild(ending, signal);
    expect({ code: result.code, signal: result.signal }).toEqual({ code, signal: endSignal });
    expect(result.groupAlive).toBe(false);
    if (code === 1) expect(result.stderr).toContain('boom');
  });

  it.each<[string, number, NodeJS.Signals, string]>([
    ['counts a repeat within 500 ms as the same interrupt (terminal and wrapper both delivered it): the stop finishes', 50, 'SIGINT', 'cleaned\n'],
    ['lets a second signal later than that end the process at once, as a second Ctrl-C does', 800, 'SIGINT', ''],
    ['lets the stop finish when a SIGTERM follows the interrupt later (a wrapper relaying it once its parent died)', 800, 'SIGTERM', 'cleaned\n'],
  ])('%s', async (_name, repeatAfterMs, second, output) => {
    const slowStop = `
      registerCleanup(async () => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        process.stdout.write('cleaned\\n');
      });
      console.log(process.pid);
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', `import { registerCleanup } from '${here}register-cleanup.ts';\n${slowStop}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    while (!stdout.includes('\n')) await new Promise((resolve) => setTimeout(resolve, 10));

    child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, repeatAfterMs));
    child.kill(second);

    expect(await exited).toBe('SIGINT');
    expect(stdout.slice(stdout.indexOf('\n') + 1)).toBe(output);
  });

  it('restores the default signal behaviour once everything is unregistered', () => {
    const before = process.listenerCount('SIGINT');
    const exitBefore = process.listenerCount('exit');
    const unregisterFirst = registerCleanup(() => {});
    const unregisterSecond = registerCleanup(() => {});
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    unregisterFirst();
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    unregisterSecond();
    expect(process.listenerCount('SIGINT')).toBe(before);
    expect(process.listenerCount('exit')).toBe(exitBefore);
  });
});
