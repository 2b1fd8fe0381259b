import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Keeps the local Firestore emulator's data between stacks: the emulator's own export (its REST
 * `:export` method), loaded with `--import-data` at the next start.
 *
 * A snapshot is complete by construction: the emulator exports into a scratch folder (it writes
 * the data files first and the `.overall_export_metadata` file last), the files are flushed to
 * disk, and only then is the folder renamed into place — one atomic step. Old snapshots are
 * renamed away before they are deleted. So a process that dies at any point leaves either a
 * complete snapshot under a snapshot name or debris under a dot name that the next start removes,
 * never a half-written snapshot for the next start to load (a truncated export makes the emulator
 * refuse to start: "Invalid record").
 *
 * The emulator's `--export-on-exit` is not used: in emulator 1.19.9 it runs only after
 * `POST /shutdown` (on SIGTERM the JVM halts before it starts) and fails for the `(default)`
 * database ("Database name projects/p/databases/ has invalid trailing /").
 */

const snapshotPattern = /^snapshot-(\d+)$/;
// Exports saved by earlier versions, named by the emulator after the second they were taken.
const legacyPattern = /^firestore_export_(\d+)$/;
const scratchPrefix = '.partial-';
const trashPrefix = '.trash-';
const metadataSuffix = '.overall_export_metadata';
const kept = 2;
const exportTimeoutMs = 60_000;

/**
 * The metadata file of the newest complete snapshot in `directory` (a snapshot folder holding its
 * `.overall_export_metadata`); undefined when there is none.
 */
export async function latestFirestoreSnapshot(directory: string): Promise<string | undefined> {
  for (const snapshot of (await snapshots(directory)).reverse()) {
    const metadata = await metadataFileIn(join(directory, snapshot.name));
    if (metadata) return metadata;
  }
  return undefined;
}

/**
 * Exports every document of `projectId` into a new snapshot in `directory`, then removes all but
 * the newest snapshots. Resolves with the snapshot's folder; rejects (leaving the earlier
 * snapshots as they were) when the export fails or takes over a minute.
 */
export async function saveFirestoreSnapshot(firestoreHost: string, projectId: string, directory: string): Promise<string> {
  const scratch = join(directory, `${scratchPrefix}${process.pid}-${Date.now()}`);
  await mkdir(scratch, { recursive: true });
  try {
    const response = await fetch(`http://${firestoreHost}/emulator/v1/projects/${projectId}:export`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ database: `projects/${projectId}/databases/(default)`, export_directory: scratch }),
      signal: AbortSignal.timeout(exportTimeoutMs),
    });
    if (!response.ok) throw new Error(`Firestore emulator export failed: HTTP ${response.status} ${await response.text()}`);
    const [written] = await readdir(scratch);
    if (!written || !(await metadataFileIn(join(scratch, written)))) throw new Error('Firestore emulator export wrote no complete export');
    // Page cache survives our death but not the machine's: flush before the rename publishes it.
    await flushTree(join(scratch, written));
    // Named after the newer of the clock and the newest snapshot: a clock set back must not make
    // the new snapshot sort as the oldest (and be the one removed).
    const newest = (await snapshots(directory)).at(-1)?.millis ?? 0;
    const target = join(directory, `snapshot-${String(Math.max(Date.now(), newest + 1)).padStart(15, '0')}`);
    await rename(join(scratch, written), target);
    await flush(directory);
    await removeAllBut(directory, kept);
    return target;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Removes what processes that died while saving left in `directory` (scratch exports, snapshots
 * half deleted). Only for the holder of the folder's lock: nobody else may be saving into it.
 */
export async function removeSnapshotDebris(directory: string): Promise<void> {
  const names = await readdir(directory).catch(() => [] as string[]);
  const debris = names.filter((name) => name.startsWith(scratchPrefix) || name.startsWith(trashPrefix));
  await Promise.all(debris.map((name) => rm(join(directory, name), { recursive: true, force: true })));
}

async function removeAllBut(directory: string, count: number): Promise<void> {
  const old = (await snapshots(directory)).slice(0, -count);
  for (const snapshot of old) {
    // Renamed first, so a crash mid-delete never leaves a partial folder under a snapshot name.
    const trash = join(directory, `${trashPrefix}${snapshot.name}`);
    await rename(join(directory, snapshot.name), trash);
    await rm(trash, { recursive: true, force: true });
  }
}

async function metadataFileIn(folder: string): Promise<string | undefined> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const metadata = names.find((name) => name.endsWith(metadataSuffix));
  return metadata === undefined ? undefined : join(folder, metadata);
}

async function flushTree(folder: string): Promise<void> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) await flushTree(path);
    else await flush(path);
  }
  await flush(folder);
}

async function flush(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Snapshots in `directory` by name (complete or not), oldest first. */
async function snapshots(directory: string): Promise<{ name: string; millis: number }[]> {
  const names = await readdir(directory).catch(() => [] as string[]);
  return names
    .flatMap((name) => {
      const current = snapshotPattern.exec(name);
      if (current) return [{ name, millis: Number(current[1]) }];
      const legacy = legacyPattern.exec(name);
      return legacy ? [{ name, millis: Number(legacy[1]) * 1000 }] : [];
    })
    .sort((a, b) => a.millis - b.millis);
}
