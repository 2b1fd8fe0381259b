import { lstat, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** A regular file in the workspace: its path from the workspace's root, size and modification time. */
export interface WorkspaceFile {
  path: string;
  bytes: number;
  mtimeMs: number;
}

/**
 * Every regular file under `root`, read with lstat and never followed: the executed code owns the
 * workspace, and a symbolic link it left (to /etc/shadow, say) must not make the host read a file
 * the sandbox could not. Links, FIFOs, sockets and devices are left out; so is anything past
 * `maxFiles` (the listing stops there).
 */
export async function listWorkspaceFiles(root: string, maxFiles = 10_000): Promise<WorkspaceFile[]> {
  const files: WorkspaceFile[] = [];
  const walk = async (directory: string): Promise<void> => {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      if (files.length >= maxFiles) return;
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const stats = await lstat(path);
        if (stats.isFile()) files.push({ path: relative(root, path), bytes: stats.size, mtimeMs: stats.mtimeMs });
      }
    }
  };
  await walk(root);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** The workspace's total bytes (regular files only), stopping early once past `limit`. */
export async function workspaceBytes(root: string, limit: number): Promise<number> {
  let total = 0;
  const walk = async (directory: string): Promise<void> => {
    for (const entry of await readdir(directory, { withFileTypes: true }).catch(() => [])) {
      if (total > limit) return;
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) total += (await lstat(path).catch(() => ({ size: 0 }))).size;
    }
  };
  await walk(root);
  return total;
}
