import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const devStackSchema = z.object({
  pid: z.number().int(),
  projectId: z.string(),
  pubsubHost: z.string(),
  firestoreHost: z.string(),
  functionsUrl: z.string(),
});
export type DevStackInfo = z.infer<typeof devStackSchema>;

/** Where local stacks keep Firestore data between runs (`AGENTLINE_DATA_DIR` overrides). */
export function localDataDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  return env['AGENTLINE_DATA_DIR'] ?? join(home, '.agentline', 'data');
}

/** The project id every CLI-started stack uses, so `dev` and `run` share sessions. */
export const localProjectId = 'agentline-local';

/** Where a running `agentline dev` says how to reach it. */
export function devStackFile(home = homedir()): string {
  return join(home, '.agentline', 'dev-stack.json');
}

export async function writeDevStackFile(info: DevStackInfo, path = devStackFile()): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(info, null, 2)}\n`);
}

export async function removeDevStackFile(path = devStackFile()): Promise<void> {
  await rm(path, { force: true });
}

/** The running dev stack, or undefined when there is none (no file, dead process, no emulator). */
export async function findRunningDevStack(path = devStackFile()): Promise<DevStackInfo | undefined> {
  let info: DevStackInfo;
  try {
    info = devStackSchema.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch {
    return undefined;
  }
  try {
    process.kill(info.pid, 0);
  } catch {
    return undefined;
  }
  return (await answersOk(`http://${info.pubsubHost}/`)) ? info : undefined;
}

function answersOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get(url, { agent: false, timeout: 1_000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}
