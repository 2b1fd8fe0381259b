import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestFirestoreSnapshot, removeSnapshotDebris, saveFirestoreSnapshot } from './firestore-snapshots.ts';

const folders: string[] = [];
afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

async function dataFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'agentline-snapshots-'));
  folders.push(folder);
  return folder;
}

/** Writes what the emulator's export writes, data first and the overall metadata last (measured with strace). */
async function writeExport(directory: string, name: string, complete = true): Promise<void> {
  await mkdir(join(directory, name, 'all_namespaces/all_kinds'), { recursive: true });
  await writeFile(join(directory, name, 'all_namespaces/all_kinds/output-0'), 'documents');
  if (complete) await writeFile(join(directory, name, `${name}.overall_export_metadata`), 'metadata');
}

// Speaks the emulator's `:export` method: answers 200 after writing an export, or 500 when told to fail.
let exporter: Server;
let exporterHost: string;
let failExports = false;
beforeAll(async () => {
  exporter = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', async () => {
      const { export_directory: directory } = JSON.parse(body) as { export_directory: string };
      await writeExport(directory, `firestore_export_${Date.now()}`, !failExports);
      response.writeHead(failExports ? 500 : 200).end(failExports ? 'export failed' : '{}');
    });
  });
  await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
  exporterHost = `127.0.0.1:${(exporter.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => exporter.close(() => resolve())));

describe('Firestore snapshots', () => {
  it('load the newest complete snapshot, passing over a newer folder without its metadata', async () => {
    const folder = await dataFolder();
    await writeExport(folder, 'snapshot-000000000000001');
    await writeExport(folder, 'snapshot-000000000000002');
    await writeExport(folder, 'snapshot-000000000000003', false);

    expect(await latestFirestoreSnapshot(folder)).toBe(join(folder, 'snapshot-000000000000002', 'snapshot-000000000000002.overall_export_metadata'));
  });

  it('load nothing from a new folder', async () => {
    expect(await latestFirestoreSnapshot(join(await dataFolder(), 'not-there'))).toBeUndefined();
  });

  it('are saved under a new name, keeping the two newest, and the saved one loads next', async () => {
    const folder = await dataFolder();
    const saved = [];
    for (let count = 0; count < 3; count++) {
      saved.push(await saveFirestoreSnapshot(exporterHost, 'p', folder));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }

    expect((await readdir(folder)).sort()).toEqual(saved.slice(1).map((path) => path.slice(folder.length + 1)));
    expect(await latestFirestoreSnapshot(folder)).toMatch(new RegExp(`^${saved[2]}/firestore_export_\\d+\\.overall_export_metadata$`));
  });

  it('leave the earlier snapshots as they were, and no scratch folder, when an export fails', async () => {
    const folder = await dataFolder();
    await writeExport(folder, 'snapshot-000000000000001');
    failExports = true;
    try {
      await expect(saveFirestoreSnapshot(exporterHost, 'p', folder)).rejects.toThrow('HTTP 500 export failed');
    } finally {
      failExports = false;
    }
    expect(await readdir(folder)).toEqual(['snapshot-000000000000001']);
  });

  it('debris of a process that died while saving is removed, complete snapshots kept', async () => {
    const folder = await dataFolder();
    await writeExport(folder, 'snapshot-000000000000001');
    await writeExport(join(folder, '.partial-4242-1'), 'firestore_export_1', false);
    await writeExport(folder, '.trash-snapshot-000000000000000', false);

    await removeSnapshotDebris(folder);

    expect(await readdir(folder)).toEqual(['snapshot-000000000000001']);
  });
});
