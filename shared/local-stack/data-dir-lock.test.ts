import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir, type DataDirLockInfo } from './data-dir-lock.ts';

const folders: string[] = [];
afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

async function dataFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'agentline-lock-'));
  folders.push(folder);
  return folder;
}

/** The pid of a process that has exited (and been reaped): what a crashed stack leaves in its lock. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

const running: DataDirLockInfo = { pid: process.pid, startTime: '2026-12-04T10:00:00.000Z' };

describe('lockDataDir', () => {
  it('refuses a second stack on a folder in use, naming the running one: pid, start time, functions URL', async () => {
    const folder = await dataFolder();
    const held = await lockDataDir(folder, running);
    await held.update({ functionsUrl: 'http://127.0.0.1:4242' });

    const refused = await lockDataDir(folder, { pid: process.pid, startTime: 'later' }).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(DataDirInUseError);
    expect((refused as Error).message).toContain(`pid ${process.pid}, started 2026-12-04T10:00:00.000Z, functions at http://127.0.0.1:4242`);
    held.release();
  });

  it('takes over a lock whose stack is dead', async () => {
    const folder = await dataFolder();
    const dead = { pid: await deadPid(), startTime: '2026-12-01T00:00:00.000Z', functionsUrl: 'http://127.0.0.1:1' };
    await writeFile(join(folder, 'stack.lock'), JSON.stringify(dead));

    const held = await lockDataDir(folder, running);

    expect(JSON.parse(await readFile(join(folder, 'stack.lock'), 'utf8'))).toEqual(running);
    held.release();
  });

  it("takes over a lock naming this process's pid that this process never took (a dead stack's pid, reused after a container restart)", async () => {
    const folder = await dataFolder();
    const before = { pid: process.pid, startTime: '2026-12-01T00:00:00.000Z' };
    await writeFile(join(folder, 'stack.lock'), JSON.stringify(before));

    const held = await lockDataDir(folder, running);

    expect(JSON.parse(await readFile(join(folder, 'stack.lock'), 'utf8'))).toEqual(running);
    held.release();
  });

  it('takes over a lock nobody can read (left by an older version that died writing it)', async () => {
    const folder = await dataFolder();
    await writeFile(join(folder, 'stack.lock'), '{"pid": 12');

    const held = await lockDataDir(folder, running);

    expect(JSON.parse(await readFile(join(folder, 'stack.lock'), 'utf8'))).toEqual(running);
    held.release();
  });

  it('gives a stale lock to exactly one of two stacks taking it over at once', async () => {
    const folder = await dataFolder();
    await writeFile(join(folder, 'stack.lock'), JSON.stringify({ pid: await deadPid(), startTime: 'then' }));

    const outcomes = await Promise.allSettled([lockDataDir(folder, running), lockDataDir(folder, running)]);

    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((outcome) => outcome.status === 'rejected')?.reason).toBeInstanceOf(DataDirInUseError);
    for (const outcome of outcomes) if (outcome.status === 'fulfilled') outcome.value.release();
  });

  it('is released by release(), idempotently, and leaves nothing behind', async () => {
    const folder = await dataFolder();
    const held = await lockDataDir(folder, running);
    await held.update({ guardianPid: 1, functionsUrl: 'http://127.0.0.1:4242' });

    held.release();
    held.release();

    expect(await readdir(folder)).toEqual([]);
    const next = await lockDataDir(folder, { pid: process.pid, startTime: 'next' });
    next.release();
  });
});
