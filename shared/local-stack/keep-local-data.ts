import { lockDataDir } from './data-dir-lock.ts';
import { latestFirestoreSnapshot, removeSnapshotDebris, saveFirestoreSnapshot } from './firestore-snapshots.ts';

/** A stack's hold on its data folder: what it loads, how it saves, and its lock. */
export interface LocalData {
  /** The snapshot to load at start; undefined for a new folder. */
  snapshot: string | undefined;
  /** What the emulators' guardian needs to save the data if this process dies. */
  saveOnOwnerLoss: { projectId: string; directory: string };
  /** Records the running stack in the lock and starts saving every `saveIntervalMs`. */
  started(stack: { guardianPid: number | undefined; functionsUrl: string; firestoreHost: string }): Promise<void>;
  /** Stops the periodic saves (a save already running finishes). Idempotent. */
  stopSaving(): void;
  /** Records the emulators' guardian in the lock as soon as it exists (a next stack waits for its save). */
  guardedBy(guardianPid: number): Promise<void>;
  /** Stops the periodic saves and saves once more; false (with a warning) when that save failed. */
  save(): Promise<boolean>;
  /** Stops the periodic saves and releases the folder; synchronous. Idempotent. */
  release(): void;
}

/** How often a running stack saves its data by default: what a crash of the emulators themselves can lose. */
export const defaultSaveIntervalMs = 30_000;

export interface KeepLocalDataOptions {
  /** How often to save while the stack runs; 0 only at a graceful stop and when this process dies. */
  saveIntervalMs?: number;
  warn: (message: string) => void;
}

/**
 * Keeps a local stack's Firestore data in `directory` (docs/architecture.md, "The local stack"):
 * takes the folder's lock (a second stack on it is refused, naming the first), removes what a
 * dead stack's unfinished save left, finds the newest complete snapshot to load, and once the
 * stack runs saves every `saveIntervalMs` and at a graceful stop. If the stack's process dies, the
 * emulators' guardian saves the data before stopping them.
 */
export async function keepLocalData(directory: string, projectId: string, options: KeepLocalDataOptions): Promise<LocalData> {
  const { saveIntervalMs = defaultSaveIntervalMs, warn } = options;
  const lock = await lockDataDir(directory, { pid: process.pid, startTime: new Date().toISOString() });
  let firestoreHost: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let saving: Promise<boolean> = Promise.resolve(true);
  let periodicSaveRunning = false;
  // One save at a time: a slow export is not overlapped by the next.
  const saveNow = () =>
    (saving = saving.then(async () => {
      if (!firestoreHost) return true;
      return saveFirestoreSnapshot(firestoreHost, projectId, directory).then(
        () => true,
        (error: unknown) => {
          warn(`warning: local Firestore data was not saved to ${directory}: ${(error as Error).message}`);
          return false;
        },
      );
    }));
  // A tick that finds the last periodic save still running skips, so slow exports never pile up.
  const savePeriodically = () => {
    if (periodicSaveRunning) return;
    periodicSaveRunning = true;
    void saveNow().finally(() => (periodicSaveRunning = false));
  };
  const stopSaving = () => clearInterval(timer);
  try {
    await removeSnapshotDebris(directory);
    const snapshot = await latestFirestoreSnapshot(directory);
    return {
      snapshot,
      saveOnOwnerLoss: { projectId, directory },
      async started(stack) {
        firestoreHost = stack.firestoreHost;
        await lock.update({ ...(stack.guardianPid ? { guardianPid: stack.guardianPid } : {}), functionsUrl: stack.functionsUrl });
        if (saveIntervalMs <= 0) return;
        timer = setInterval(savePeriodically, saveIntervalMs);
        timer.unref();
      },
      async guardedBy(guardianPid) {
        await lock.update({ guardianPid });
      },
      stopSaving,
      async save() {
        stopSaving();
        return saveNow();
      },
      release() {
        stopSaving();
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}
