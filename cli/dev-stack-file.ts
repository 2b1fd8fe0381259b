import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { describeIssues } from '../shared/domain/describe-issues.ts';
import { InvalidInputError } from '../shared/domain/errors.ts';

const devStackSchema = z.object({
  pid: z.number().int(),
  projectId: z.string(),
  pubsubHost: z.string(),
  firestoreHost: z.string(),
  functionsUrl: z.string(),
});
export type DevStackInfo = z.infer<typeof devStackSchema>;

// An empty variable counts as unset, as a shell's `VAR= agentline dev` means.
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

const localStackEnvSchema = z.object({
  AGENTLINE_DATA_DIR: z.preprocess(unsetIfEmpty, z.string().optional()),
  AGENTLINE_SAVE_INTERVAL_SECONDS: z.preprocess(unsetIfEmpty, z.coerce.number().min(0).default(30)),
});

/** How the CLI runs local stacks. */
export interface LocalStackSettings {
  /** Where they keep Firestore data between runs. */
  dataDir: string;
  /** How often a running stack saves it; 0 only at a graceful stop and when the stack's process dies. */
  saveIntervalMs: number;
}

/**
 * The CLI's local-stack settings: `AGENTLINE_DATA_DIR` (default `~/.agentline/data`) and
 * `AGENTLINE_SAVE_INTERVAL_SECONDS` (default 30, 0 = no periodic save). Throws one error naming
 * every bad variable.
 */
export function localStackSettings(env: NodeJS.ProcessEnv = process.env, home = homedir()): LocalStackSettings {
  const parsed = localStackEnvSchema.safeParse(env);
  if (!parsed.success) throw new InvalidInputError(`Invalid environment: ${describeIssues(parsed.error.issues)}`);
  return {
    dataDir: parsed.data.AGENTLINE_DATA_DIR ?? join(home, '.agentline', 'data'),
    saveIntervalMs: Math.round(parsed.data.AGENTLINE_SAVE_INTERVAL_SECONDS * 1000),
  };
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
