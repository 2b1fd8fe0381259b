import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../shared/local-stack/process-group.ts';
import { pidsListeningAs } from '../shared/testing/emulator-pids.ts';

const project = fileURLToPath(new URL('..', import.meta.url));
const folders: string[] = [];
afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('npx agentline dev', () => {
  it('stops everything it started, saving the data, when the npx wrapper gets SIGTERM (npm exec does not pass it on)', async () => {
    const home = await mkdtemp(join(tmpdir(), 'agentline-home-'));
    folders.push(home);
    const npx = spawn('npx', ['agentline', 'dev'], {
      cwd: project,
      env: { ...process.env, HOME: home, AGENTLINE_DATA_DIR: join(home, 'data'), AGENTLINE_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    npx.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await until(() => stderr.includes('local stack running'), 60_000);
      const stack = JSON.parse(await readFile(join(home, '.agentline', 'dev-stack.json'), 'utf8')) as { pid: number; pubsubHost: string; firestoreHost: string };
      const emulators = pidsListeningAs(stack.pubsubHost, stack.firestoreHost);
      expect(emulators).toHaveLength(2);
      expect(isProcessAlive(stack.pid)).toBe(true);

      npx.kill('SIGTERM');
      await until(() => ![stack.pid, ...emulators].some(isProcessAlive), 30_000);
      expect((await readdir(join(home, 'data'))).filter((name) => name.startsWith('snapshot-'))).toHaveLength(1);
      await expect(readFile(join(home, '.agentline', 'dev-stack.json'))).rejects.toThrow(/ENOENT/);
    } finally {
      npx.kill('SIGKILL');
    }
  });
});
