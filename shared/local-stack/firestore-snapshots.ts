import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Keeps the local Firestore emulator's data between stacks: the emulator's own export (its REST
 * `:export` method), loaded with `--import-data` at the next start. An export is written into a
 * scratch folder and renamed into place only once complete, so a stack that dies mid-export never
 * leaves a half-written snapshot for the next start to load. The two newest snapshots are kept.
 */

const snapshotPattern = /^snapshot-(\d+)$/;
// Exports saved by earlier versions, named by the emulator after the second they were taken.
const legacyPattern = /^firestore_export_(\d+)$/;
const kept = 2;

/** The metadata file of the newest complete snapshot in `directory`; undefined when there is none. */
export async function latestFirestoreSnapshot(directory: string): Promise<string | undefined> {
  const newest = (await snapshots(directory)).at(-1);
  if (!newest) return undefined;
  const metadata = (await readdir(join(directory, newest.name))).find((name) => name.endsWith('.overall_export_metadata'));
  return metadata ? join(directory, newest.name, metadata) : undefined;
}

/**
 * Exports every document of `projectId` into a new snapshot in `directory`, then removes all but
 * the newest snapshots. Resolves with the snapshot's folder.
 */
export async function saveFirestoreSnapshot(firestoreHost: string, projectId: string, directory: string): Promise<string> {
  const scratch = join(directory, `.partial-${process.pid}-${Date.now()}`);
  await mkdir(scratch, { recursive: true });
  try {
    const response = await fetch(`http://${firestoreHost}/emulator/v1/projects/${projectId}:export`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ database: `projects/${projectId}/databases/(default)`, export_directory: scratch }),
    });
    if (!response.ok) throw new Error(`Firestore emulator export failed: HTTP ${response.status} ${await response.text()}`);
    const [written] = await readdir(scratch);
    if (!written) throw new Error('Firestore emulator export wrote nothing');
    const target = join(directory, `snapshot-${String(Date.now()).padStart(15, '0')}`);
    await rename(join(scratch, written), target);
    const old = (await snapshots(directory)).slice(0, -kept);
    await Promise.all(old.map((snapshot) => rm(join(directory, snapshot.name), { recursive: true, force: true })));
    return target;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Complete snapshots in `directory`, oldest first. */
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
