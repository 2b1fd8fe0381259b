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
 * Walks `root` without following links, calling `file` for each regular file (stop by returning
 * false). Answers whether the whole tree could be walked: not when a folder could not be read (one
 * deleted meanwhile is fine), lies deeper than 32 folders, or the tree has more than 20,000 entries.
 */
async function walkWorkspace(root: string, file: (path: string) => Promise<boolean>): Promise<boolean> {
  let entries = 0;
  let complete = true;
  const walk = async (directory: string, depth: number): Promise<boolean> => {
    if (depth > maxDepth) return (complete = false);
    let listed;
    try {
      listed = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') complete = false;
      return complete;
    }
    for (const entry of listed) {
      if ((entries += 1) > maxEntries) return (complete = false);
      const path = join(directory, entry.name);
      const goOn = entry.isDirectory() ? await walk(path, depth + 1) : entry.isFile() ? await file(path) : true;
      if (!goOn) return false;
    }
    return true;
  };
  await walk(root, 0);
  return complete;
}

/**
 * Every regular file under `root`, read with lstat and never followed: the executed code owns the
 * workspace, and a symbolic link it left (to /etc/shadow, say) must not make the host read a file
 * the sandbox could not. Links, FIFOs, sockets and devices are left out; so is whatever cannot be
 * walked (`walkWorkspace`), and anything past the first `maxFiles`. Never throws.
 */
export async function listWorkspaceFiles(root: string, maxFiles = 10_000): Promise<WorkspaceFile[]> {
  const files: WorkspaceFile[] = [];
  await walkWorkspace(root, async (path) => {
    const stats = await lstat(path).catch(() => undefined);
    if (stats?.isFile()) files.push({ path: relative(root, path), bytes: stats.size, mtimeMs: stats.mtimeMs });
    return files.length < maxFiles;
  });
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * The workspace's total bytes (regular files only), stopping early once past `limit`. A workspace
 * that cannot be walked whole counts as past the limit: otherwise its files would go uncounted.
 */
export async function workspaceBytes(root: string, limit: number): Promise<number> {
  let total = 0;
  const complete = await walkWorkspace(root, async (path) => {
    total += (await lstat(path).catch(() => ({ size: 0 }))).size;
    return total <= limit;
  });
  return complete ? total : Math.max(total, limit + 1);
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
