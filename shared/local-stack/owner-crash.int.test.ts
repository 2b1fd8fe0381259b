import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LocalEmulators } from './emulators.ts';
import { isProcessAlive } from './process-group.ts';
import { startLocalStack } from './start-local-stack.ts';
import { until } from '../testing/until.ts';

// Processes that own emulators or a whole stack (the *.fixture.ts scripts, run with this Node),
// killed the hardest way, and what they leave behind: no process, and no committed data lost.
const owners: ChildProcessWithoutNullStreams[] = [];
const leftovers: number[] = [];
const folders: string[] = [];

afterEach(() => {
  for (const owner of owners.splice(0)) owner.kill('SIGKILL');
  // Should a test fail, nothing it started may outlive it.
  for (const pid of leftovers.splice(0)) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
});
afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

async function dataFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'agentline-owner-crash-'));
  folders.push(folder);
  return folder;
}

/** Starts a fixture script with a JSON argument; `next()` reads its next JSON line. */
function startOwner(fixture: string, argument: unknown) {
  const script = fileURLToPath(new URL(fixture, import.meta.url));
  const owner = spawn(process.execPath, [script, JSON.stringify(argument)], { stdio: ['pipe', 'pipe', 'pipe'] });
  owners.push(owner);
  let stderr = '';
  owner.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4096)));
  const lines = createInterface({ input: owner.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<void>((resolve) => owner.once('exit', () => resolve()));
  const next = async <T>(): Promise<T> => {
    const line = await Promise.race([lines.next(), exited.then(() => ({ done: true as const, value: undefined }))]);
    if (line.done) throw new Error(`the owner process exited.\n--- its stderr ---\n${stderr}`);
    return JSON.parse(line.value as string) as T;
  };
  return { owner, next, exited };
}

type Pids = LocalEmulators['pids'];
const all = (pids: Pids) => Object.values(pids).filter((pid): pid is number => pid !== undefined);

async function emulatorsOwnedByAProcess(options: Record<string, unknown> = {}) {
  const owner = startOwner('./emulators-owner.fixture.ts', { projectId: 'owner-crash', ...options });
  const ready = await owner.next<{ pids: Pids; protection: string }>();
  leftovers.push(...all(ready.pids));
  expect(all(ready.pids).every(isProcessAlive)).toBe(true);
  return { ...owner, ...ready };
}

describe('emulators whose owner dies', () => {
  it('do not outlive a process that started them and was killed with SIGKILL', async () => {
    const { owner, pids, exited } = await emulatorsOwnedByAProcess();

    owner.kill('SIGKILL');
    await exited;

    const gone = await until(() => !all(pids).some(isProcessAlive), 5_000);
    console.info(`all emulator processes gone ${gone} ms after the owner's SIGKILL`);
  });

  it('do not outlive their guardian killed with SIGKILL: the kernel ends them (parent-death signal)', async () => {
    const { pids, protection } = await emulatorsOwnedByAProcess();
    expect(protection).toBe('parent-death-signal');

    process.kill(pids.guardian, 'SIGKILL');

    await until(() => !isProcessAlive(pids.pubsub) && !isProcessAlive(pids.firestore), 2_000);
  });

  it('do not outlive their guardian killed with SIGKILL where there is no parent-death signal: the watchdog stops them', async () => {
    const { pids, protection } = await emulatorsOwnedByAProcess({ orphanProtection: 'watchdog' });
    expect(protection).toBe('watchdog');
    expect(pids.watchdog).toBeDefined();

    process.kill(pids.guardian, 'SIGKILL');

    await until(() => !all(pids).some(isProcessAlive), 7_000);
  });
});

describe('the data of a stack whose process dies', () => {
  async function stackOwner(dataDir: string, saveIntervalMs: number) {
    const owner = startOwner('./local-stack-owner.fixture.ts', { projectId: 'owner-crash', dataDir, saveIntervalMs });
    const { pids } = await owner.next<{ pids: Pids }>();
    leftovers.push(...all(pids));
    const write = async (id: string) => {
      owner.owner.stdin.write(`${id}\n`);
      expect(await owner.next()).toEqual({ written: id });
    };
    return { ...owner, pids, write };
  }

  async function documentsSeenByTheNextStack(dataDir: string): Promise<string[]> {
    const next = await startLocalStack({ projectId: 'owner-crash', dataDir, sweepIntervalMs: 0, env: { AGENTLINE_LOG_LEVEL: 'silent' } });
    try {
      const documents = await next.deps.firestore.collection('crash-tests').listDocuments();
      return documents.map((document) => document.id).sort();
    } finally {
      await next.stop();
    }
  }

  it('keeps a document committed just before the stack process was killed with SIGKILL', async () => {
    const dataDir = await dataFolder();
    const first = await stackOwner(dataDir, 0); // no periodic save: only the guardian can have saved it
    await first.write('committed-before-the-kill');

    first.owner.kill('SIGKILL');
    await first.exited;
    const saved = await until(() => !all(first.pids).some(isProcessAlive), 10_000);
    console.info(`the guardian saved and stopped the emulators ${saved} ms after the stack's SIGKILL`);

    expect(await documentsSeenByTheNextStack(dataDir)).toEqual(['committed-before-the-kill']);
  });

  it('loses at most the writes since the last periodic save when the emulators die with the stack (guardian killed too)', async () => {
    const dataDir = await dataFolder();
    const first = await stackOwner(dataDir, 300);
    await first.write('saved-periodically');
    const writtenAt = Date.now();
    // Saves run one after another, so the second to finish after the write began after it.
    const savedSince = async () => (await readdir(dataDir)).filter((name) => /^snapshot-\d+$/.test(name) && Number(name.slice('snapshot-'.length)) > writtenAt);
    await until(async () => (await savedSince()).length >= 2, 10_000);

    // Nothing survives to save on the way out: the owner and the guardian die at once.
    process.kill(first.pids.guardian, 'SIGKILL');
    first.owner.kill('SIGKILL');
    await first.exited;
    await until(() => !all(first.pids).some(isProcessAlive), 5_000);

    expect(await documentsSeenByTheNextStack(dataDir)).toContain('saved-periodically');
  });
});
