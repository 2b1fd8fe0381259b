import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { isProcessAlive } from './process-group.ts';

const lockInfoSchema = z.object({
  /** The process that owns the stack. */
  pid: z.number().int(),
  /** Its emulators' guardian, which may still be saving data after the owner died. */
  guardianPid: z.number().int().optional(),
  startTime: z.string(),
  functionsUrl: z.string().optional(),
});
export type DataDirLockInfo = z.infer<typeof lockInfoSchema>;

/** Held while a stack uses a data folder. */
export interface DataDirLock {
  /** Records more about the stack that holds the lock (its guardian, its functions URL). */
  update(info: Partial<DataDirLockInfo>): Promise<void>;
  /** Releases the lock; synchronous, so exit paths can call it. Idempotent. */
  release(): void;
}

/** Refused: another stack holds the data folder. */
export class DataDirInUseError extends Error {
  constructor(directory: string, holder: DataDirLockInfo) {
    const url = holder.functionsUrl ? `, functions at ${holder.functionsUrl}` : '';
    super(
      `The data folder ${directory} is in use by another agentline stack (pid ${holder.pid}, started ${holder.startTime}${url}). ` +
        'Stop that stack first, or give this one another folder (AGENTLINE_DATA_DIR).',
    );
    this.name = 'DataDirInUseError';
  }
}

const lockFileName = 'stack.lock';
const guardianSaveWaitMs = 15_000;

/**
 * Takes the data folder for one stack: two stacks on one folder would overwrite each other's
 * saved data. The lock is a file created exclusively; a lock whose owner and guardian are both
 * dead is stale and taken over (after waiting for a guardian that is still saving the dead
 * owner's data). Throws DataDirInUseError naming the stack that holds it.
 */
export async function lockDataDir(directory: string, info: DataDirLockInfo): Promise<DataDirLock> {
  await mkdir(directory, { recursive: true });
  const path = join(directory, lockFileName);
  let current = info;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const file = await open(path, 'wx');
      await file.writeFile(`${JSON.stringify(current)}\n`);
      await file.close();
      let released = false;
      return {
        async update(more) {
          current = { ...current, ...more };
          if (!released) await writeFile(path, `${JSON.stringify(current)}\n`);
        },
        release() {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(path);
    if (holder && isProcessAlive(holder.pid)) throw new DataDirInUseError(directory, holder);
    if (holder?.guardianPid !== undefined) await waitForExit(holder.guardianPid, guardianSaveWaitMs);
    await rm(path, { force: true });
  }
  throw new Error(`Could not lock the data folder ${directory}: ${path} keeps reappearing`);
}

async function readHolder(path: string): Promise<DataDirLockInfo | undefined> {
  try {
    return lockInfoSchema.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch {
    return undefined; // unreadable or half-written: a stack that died while taking it
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid) && Date.now() < deadline) await sleep(50);
}
