import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Keeps the local Firestore emulator's data between stacks, so sessions and memories outlive one
 * `agentline run`: the emulator's own export (its REST `:export` method) on a graceful stop,
 * loaded with `--import-data` at the next start. Only the newest export is kept.
 */
export async function latestFirestoreSnapshot(directory: string): Promise<string | undefined> {
  const names = await exportNames(directory);
  const newest = names.at(-1);
  return newest ? join(directory, newest, `${newest}.overall_export_metadata`) : undefined;
}

/** Exports every document of `projectId` into `directory`, then removes older exports. */
export async function saveFirestoreSnapshot(firestoreHost: string, projectId: string, directory: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  const response = await fetch(`http://${firestoreHost}/emulator/v1/projects/${projectId}:export`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ database: `projects/${projectId}/databases/(default)`, export_directory: directory }),
  });
  if (!response.ok) throw new Error(`Firestore emulator export failed: HTTP ${response.status} ${await response.text()}`);
  const names = await exportNames(directory);
  await Promise.all(names.slice(0, -1).map((name) => rm(join(directory, name), { recursive: true, force: true })));
}

/** Export folders (`firestore_export_<seconds>`), oldest first. */
async function exportNames(directory: string): Promise<string[]> {
  const entries = await readdir(directory).catch(() => [] as string[]);
  return entries
    .filter((name) => /^firestore_export_\d+$/.test(name))
    .sort((a, b) => Number(a.slice(17)) - Number(b.slice(17)));
}
