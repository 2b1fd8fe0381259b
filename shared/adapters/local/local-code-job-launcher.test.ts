import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCodeJobLauncher } from './local-code-job-launcher.ts';

// Real detached processes of this machine. The job's entry point is replaced by a small script
// (the real job is driven end to end in functions/code-execution.int.test.ts): it exits with
// AGENTLINE_TEST_EXIT once that is set, else runs until killed; it writes its pid to
// AGENTLINE_TEST_PID_FILE, so a test can see the job itself (not only its shell) is gone.
let folder: string;
let launcher: LocalCodeJobLauncher;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'agentline-launcher-'));
  const entry = join(folder, 'job.mjs');
  await writeFile(
    entry,
    [
      "import { writeFileSync } from 'node:fs';",
      'if (process.env.AGENTLINE_TEST_PID_FILE) writeFileSync(process.env.AGENTLINE_TEST_PID_FILE, String(process.pid));',
      'const exit = process.env.AGENTLINE_TEST_EXIT;',
      'if (exit !== undefined) process.exit(Number(exit));',
      'setInterval(() => {}, 1000);',
    ].join('\n'),
  );
  launcher = new LocalCodeJobLauncher(join(folder, 'state'), {}, { entry });
});

afterAll(async () => {
  await launcher.cancelAll();
  await rm(folder, { recursive: true, force: true });
});

/** Launches a job that runs until killed; answers the execution and a check that its job process is alive. */
async function launchRunning(on: LocalCodeJobLauncher, key: string) {
  const pidFile = join(folder, `${key.replace('/', '-')}.pid`);
  const execution = await on.launch(key, { AGENTLINE_TEST_PID_FILE: pidFile });
  await expect.poll(() => readFile(pidFile, 'utf8').catch(() => ''), { timeout: 10_000 }).not.toBe('');
  const pid = Number(await readFile(pidFile, 'utf8'));
  const alive = () => readFile(`/proc/${pid}/status`, 'utf8').then((status) => !/^State:\s+Z/m.test(status), () => false);
  return { execution, alive };
}

const settled = (execution: string) => expect.poll(() => launcher.state(execution).then((state) => state.kind), { timeout: 10_000 });

describe('the local code-exec launcher', () => {
  it('starts a detached execution found again by its key, and reads its end from the exit status its shell records', async () => {
    const since = Date.now();
    const running = await launcher.launch('r1/0-tool-0', {});
    expect(await launcher.state(running)).toEqual({ kind: 'running' });
    expect(await launcher.find('r1/0-tool-0', since)).toBe(running);
    expect(await launcher.find('r1/0-tool-1', since)).toBeUndefined();
    await settled(await launcher.launch('r1/0-tool-2', { AGENTLINE_TEST_EXIT: '0' })).toBe('succeeded');
    await settled(await launcher.launch('r1/0-tool-3', { AGENTLINE_TEST_EXIT: '3' })).toBe('failed');
    expect(await launcher.state('local-00000000-0000-0000-0000-000000000000')).toEqual({ kind: 'missing' });
  });

  it('cancels an execution by killing its process group, which then counts as failed; cancelling it again is nothing', async () => {
    const { execution, alive } = await launchRunning(launcher, 'r2/0-tool-0');
    expect(await alive()).toBe(true);
    await launcher.cancel(execution);
    await settled(execution).toBe('failed');
    await expect.poll(alive, { timeout: 10_000 }).toBe(false);
    await expect(launcher.cancel(execution)).resolves.toBeUndefined();
  });

  it('forgets an execution whose process could not start, so a retry launches afresh instead of following it', async () => {
    // One environment string longer than the kernel takes (128 KiB): the process cannot start.
    await expect(launcher.launch('r3/0-tool-0', { TOO_LONG: 'x'.repeat(200_000) })).rejects.toThrow(/Could not start the code-exec job's process/);
    expect(await launcher.find('r3/0-tool-0', 0)).toBeUndefined();
  });

  it('cancels every running execution at once, and prunes what ended executions left while keeping a running one', async () => {
    const state = new LocalCodeJobLauncher(join(folder, 'pruned'), {}, { entry: join(folder, 'job.mjs') });
    const [first, second] = [await launchRunning(state, 'r4/0-tool-0'), await launchRunning(state, 'r4/0-tool-1')];
    const ended = await state.launch('r4/0-tool-2', { AGENTLINE_TEST_EXIT: '0' });
    await expect.poll(() => state.state(ended).then((found) => found.kind), { timeout: 10_000 }).toBe('succeeded');
    await state.prune(0);
    expect(await state.state(ended)).toEqual({ kind: 'missing' });
    expect(await state.find('r4/0-tool-2', 0)).toBeUndefined();
    expect(await state.state(first.execution)).toEqual({ kind: 'running' });
    await state.cancelAll();
    for (const { execution, alive } of [first, second]) {
      await expect.poll(() => state.state(execution).then((found) => found.kind), { timeout: 10_000 }).toBe('failed');
      await expect.poll(alive, { timeout: 10_000 }).toBe(false);
    }
    await state.prune(0);
    expect(await readdir(join(folder, 'pruned', 'executions'))).toEqual([]);
  });
});
