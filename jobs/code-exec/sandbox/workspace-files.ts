import { execFile } from 'node:child_process';
import { lstat, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** A regular file in the workspace: its path from the workspace's root, size and modification time. */
export interface WorkspaceFile {
  path: string;
  bytes: number;
  mtimeMs: number;
}

/** How deep and how wide a workspace is walked: past either, it is over its limit (the code built it to hide). */
const maxDepth = 32;
const maxEntries = 20_000;

/**
 * Every regular file under `root`, read with lstat and never followed: the executed code owns the
 * workspace, and a symbolic link it left (to /etc/shadow, say) must not make the host read a file
 * the sandbox could not. Links, FIFOs, sockets and devices are left out; so is whatever cannot be
 * read, and anything deeper than 32 folders or past the first `maxFiles`. Never throws.
 */
export async function listWorkspaceFiles(root: string, maxFiles = 10_000): Promise<WorkspaceFile[]> {
  const files: WorkspaceFile[] = [];
  const walk = async (directory: string, depth: number): Promise<void> => {
    if (depth > maxDepth) return;
    for (const entry of await readdir(directory, { withFileTypes: true }).catch(() => [])) {
      if (files.length >= maxFiles) return;
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await walk(path, depth + 1);
      else if (entry.isFile()) {
        const stats = await lstat(path).catch(() => undefined);
        if (stats?.isFile()) files.push({ path: relative(root, path), bytes: stats.size, mtimeMs: stats.mtimeMs });
      }
    }
  };
  await walk(root, 0);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * The workspace's total bytes (regular files only), stopping early once past `limit`. A workspace
 * that cannot be measured — a folder that cannot be read (one deleted meanwhile is fine), deeper
 * than 32 or wider than 20,000 entries in all — counts as past the limit: otherwise its files
 * would go uncounted.
 */
export async function workspaceBytes(root: string, limit: number): Promise<number> {
  let total = 0;
  let entries = 0;
  const over = limit + 1;
  const walk = async (directory: string, depth: number): Promise<void> => {
    if (depth > maxDepth) return void (total = Math.max(total, over));
    let listed;
    try {
      listed = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      // Deleted while being walked is ordinary; anything else (a folder made unreadable) is not.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      return void (total = Math.max(total, over));
    }
    for (const entry of listed) {
      if (total > limit) return;
      if ((entries += 1) > maxEntries) return void (total = Math.max(total, over));
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await walk(path, depth + 1);
      else if (entry.isFile()) total += (await lstat(path).catch(() => ({ size: 0 }))).size;
    }
  };
  await walk(root, 0);
  return total;
}

/**
 * Removes a workspace however the code left it: coreutils' `rm` walks by file descriptor, so a tree
 * deeper than a path can name (which `fs.rm` fails on) goes too.
 */
export async function removeWorkspace(root: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    execFile('/usr/bin/rm', ['-rf', '--', root], (error) => (error ? reject(error) : resolve()));
  });
}
