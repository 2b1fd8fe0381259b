import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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
  readonly holder: DataDirLockInfo;
  constructor(directory: string, holder: DataDirLockInfo) {
    const url = holder.functionsUrl ? `, functions at ${holder.functionsUrl}` : '';
    super(
      `The data folder ${directory} is in use by another agentline stack (pid ${holder.pid}, started ${holder.startTime}${url}). ` +
        'Stop that stack first, or give this one another folder (AGENTLINE_DATA_DIR).',
    );
    this.name = 'DataDirInUseError';
    this.holder = holder;
  }
}

const lockFileName = 'stack.lock';
/** The lock files this process holds: a lock naming this pid that is not among them is a dead process's whose pid was reused (a restarted container). */
const heldHere = new Set<string>();
// A dead stack's guardian saves (an export times out after 60 s) and then stops the emulators.
const guardianSaveWaitMs = 70_000;

/**
 * Takes the data folder for one stack: two stacks on one folder would overwrite each other's
 * saved data. The lock file appears atomically with its content (written aside, then hard-linked
 * into place, which fails if it exists), so a reader never sees it half-written. A lock whose
 * owner is dead — or names this process's pid without this process holding it: a dead stack's
 * pid reused, as after a container restart — is stale and is taken over, after waiting (up to
 * 70 s) for the dead owner's guardian, which may still be saving its data. Throws
 * DataDirInUseError naming the live holder.
 */
export async function lockDataDir(directory: string, info: DataDirLockInfo): Promise<DataDirLock> {
  await mkdir(directory, { recursive: true });
  const path = join(directory, lockFileName);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await createWithContent(path, serialize(info))) return heldLock(path, info);
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // released meanwhile
    const holder = parseHolder(text);
    if (holder && isProcessAlive(holder.pid) && (holder.pid !== process.pid || heldHere.has(path))) throw new DataDirInUseError(directory, holder);
    if (holder?.guardianPid !== undefined) await waitForExit(holder.guardianPid, guardianSaveWaitMs);
    await takeOverStale(path, text);
  }
  throw new Error(`Could not lock the data folder ${directory}: ${path} keeps changing`);
}

function heldLock(path: string, info: DataDirLockInfo): DataDirLock {
  let current = info;
  let released = false;
  heldHere.add(path);
  return {
    async update(more) {
      current = { ...current, ...more };
      if (released) return;
      // Replaced by a rename, so a stack reading the lock meanwhile sees the old or the new one.
      const aside = asidePath(path, 'update');
      await writeFile(aside, serialize(current));
      await rename(aside, path);
    },
    release() {
      if (released) return;
      released = true;
      heldHere.delete(path);
      rmSync(path, { force: true });
    },
  };
}

/** Creates `path` holding `content` unless it exists; false when it does. */
async function createWithContent(path: string, content: string): Promise<boolean> {
  const aside = asidePath(path, 'new');
  await writeFile(aside, content);
  try {
    await link(aside, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(aside, { force: true });
  }
}

/**
 * Removes a stale lock whose text was `staleText`. Two stacks may find the same stale lock; the
 * one that loses the race must not delete the lock the winner just created, so the lock is moved
 * aside first and put back if it turns out not to be the stale one.
 */
async function takeOverStale(path: string, staleText: string): Promise<void> {
  const aside = asidePath(path, 'stale');
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if ((await readFile(aside, 'utf8')) !== staleText) await link(aside, path).catch(() => {});
  await rm(aside, { force: true });
}

function parseHolder(text: string): DataDirLockInfo | undefined {
  try {
    return lockInfoSchema.parse(JSON.parse(text));
  } catch {
    return undefined; // unreadable: not a live stack's (they write it whole), so stale
  }
}

function serialize(info: DataDirLockInfo): string {
  return `${JSON.stringify(info)}\n`;
}

function asidePath(path: string, purpose: string): string {
  return `${path}.${purpose}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid) && Date.now() < deadline) await sleep(50);
}
