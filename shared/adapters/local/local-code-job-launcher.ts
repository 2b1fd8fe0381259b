import { spawn, type SpawnOptions } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePathSegment } from '../../domain/artifacts/artifact.ts';
import { executionKeyVariable, type CodeJobLauncher, type CodeJobState } from '../../ports/code-job-launcher.ts';

/** The job's entry point, run by this machine's Node (which runs TypeScript directly). */
const jobEntry = fileURLToPath(new URL('../../../jobs/code-exec/main.ts', import.meta.url));

/** How long a launch may take between recording an execution and recording its process. */
const launchWindowMs = 10_000;

interface ExecutionRecord {
  name: string;
  key: string;
  /** Absent until the process started (and for good when the launch died in between). */
  pid?: number;
  createTime: number;
}

/**
 * CodeJobLauncher for the local stack (docs/architecture.md, "Code execution"): each execution is
 * a detached process of the job's entry point, in a session of its own, so it outlives a crash or
 * restart of the stack that launched it, as a Cloud Run execution outlives its function. Under
 * `dir`: per key, a marker of each execution; per execution, its record (name, key, pid, start;
 * written whole, by rename, so a reader never sees half of one), its exit status — written by the
 * shell that waits for it — and its log. An
 * execution with neither a live process nor an exit status died without one (killed): `failed`.
 */
export class LocalCodeJobLauncher implements CodeJobLauncher {
  readonly #dir: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #node: string;
  readonly #entry: string;

  /** `env`: the job's environment (the store, the emulators); the executed code never sees it. */
  constructor(dir: string, env: NodeJS.ProcessEnv, options: { node?: string; entry?: string } = {}) {
    this.#dir = dir;
    this.#env = env;
    this.#node = options.node ?? process.execPath;
    this.#entry = options.entry ?? jobEntry;
  }

  async launch(key: string, env: Record<string, string>): Promise<string> {
    const name = `local-${randomUUID()}`;
    const marker = join(this.#keyDir(key), name);
    await Promise.all([mkdir(this.#keyDir(key), { recursive: true }), mkdir(join(this.#dir, 'executions'), { recursive: true })]);
    // Recorded before it starts, so a launch that dies right after starting it is still found by its key.
    const record: ExecutionRecord = { name, key, createTime: Date.now() };
    await this.#write(record);
    await writeFile(marker, '');
    const log = await open(join(this.#dir, 'executions', `${name}.log`), 'a');
    try {
      // The shell outlives the job's process to write its exit status; `name` is its last
      // argument, so a pid reused by another process is told apart by its command line.
      const child = spawnDetached('/bin/sh', ['-c', '"$1" "$2"; echo $? > "$3.exit"', 'agentline-code-exec', this.#node, this.#entry, this.#path(name), name], {
        stdio: ['ignore', log.fd, log.fd],
        env: { ...this.#env, ...env, [executionKeyVariable]: key },
      });
      const started = await child;
      if (started instanceof Error) {
        // Nothing runs: forget the execution, so a retry launches afresh instead of following it.
        await rm(marker, { force: true });
        await rm(this.#path(name), { force: true });
        await rm(join(this.#dir, 'executions', `${name}.log`), { force: true });
        throw new Error(`Could not start the code-exec job's process: ${started.message}`, { cause: started });
      }
      await this.#write({ ...record, pid: started });
    } finally {
      await log.close();
    }
    return name;
  }

  async find(key: string, since: number): Promise<string | undefined> {
    const names = await readdir(this.#keyDir(key)).catch(() => []);
    for (const name of names) {
      const record = await this.#record(name);
      if (record && record.key === key && record.createTime >= since - 60_000) return name;
    }
    return undefined;
  }

  async state(execution: string): Promise<CodeJobState> {
    const exit = await this.#exitStatus(execution);
    if (exit !== undefined) return exit === '0' ? { kind: 'succeeded' } : { kind: 'failed' };
    const record = await this.#record(execution);
    if (!record) return { kind: 'missing' };
    if (await this.#isRunning(record)) return { kind: 'running' };
    // Gone without an exit status; read once more, in case it was written meanwhile.
    return (await this.#exitStatus(execution)) === '0' ? { kind: 'succeeded' } : { kind: 'failed' };
  }

  /** Kills the execution's process group (the shell that would record its exit, the job, its sandbox). */
  async cancel(execution: string): Promise<void> {
    const record = await this.#record(execution);
    const pid = record && (await this.#livePid(record));
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  /** Cancels every execution still running: before this folder is removed with the stack that used it. */
  async cancelAll(): Promise<void> {
    const names = await readdir(join(this.#dir, 'executions')).catch(() => []);
    await Promise.all(names.filter((file) => file.endsWith('.json')).map((file) => this.cancel(file.slice(0, -'.json'.length))));
  }

  /**
   * Removes what ended executions left (record, exit status, log, key marker) once older than
   * `ageMs`; a running execution's are kept.
   */
  async prune(ageMs: number): Promise<void> {
    const cutoff = Date.now() - ageMs;
    const files = await readdir(join(this.#dir, 'executions')).catch(() => []);
    for (const file of files.filter((name) => name.endsWith('.json'))) {
      const name = file.slice(0, -'.json'.length);
      const record = await this.#record(name);
      // One that cannot be read is left alone: whether it runs cannot be told.
      if (!record || record.createTime > cutoff || (await this.#isRunning(record))) continue;
      await rm(join(this.#keyDir(record.key), name), { force: true });
      await Promise.all(['.json', '.json.exit', '.log'].map((suffix) => rm(join(this.#dir, 'executions', `${name}${suffix}`), { force: true })));
    }
  }

  #keyDir(key: string): string {
    return join(this.#dir, 'keys', encodePathSegment(key, 'execution key'));
  }

  #path(name: string): string {
    return join(this.#dir, 'executions', `${name}.json`);
  }

  async #write(record: ExecutionRecord): Promise<void> {
    const temporary = `${this.#path(record.name)}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(record));
    await rename(temporary, this.#path(record.name));
  }

  async #exitStatus(name: string): Promise<string | undefined> {
    const exit = await readFile(`${this.#path(name)}.exit`, 'utf8').catch(() => undefined);
    return exit?.trim();
  }

  async #isRunning(record: ExecutionRecord): Promise<boolean> {
    if ((await this.#livePid(record)) !== undefined) return true;
    // No process yet: a launch still between recording and starting it is given its moment.
    return record.pid === undefined && Date.now() - record.createTime < launchWindowMs;
  }

  /** The execution's process: its recorded pid, or (a launch that died before recording it) found by its command line. */
  async #livePid(record: ExecutionRecord): Promise<number | undefined> {
    const isOurs = (pid: number | string) => isExecutionShell(pid, record.name);
    if (record.pid !== undefined) return (await isOurs(record.pid)) ? record.pid : undefined;
    for (const entry of await readdir('/proc').catch(() => [])) {
      if (/^\d+$/.test(entry) && (await isOurs(entry))) return Number(entry);
    }
    return undefined;
  }

  async #record(name: string): Promise<ExecutionRecord | undefined> {
    if (!/^local-[0-9a-f-]{36}$/.test(name)) return undefined;
    const text = await readFile(this.#path(name), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as ExecutionRecord;
    } catch {
      // Records are written whole (by rename); one that does not parse was damaged outside us.
      return undefined;
    }
  }
}

/** Starts a detached process; answers its pid, or the error that kept it from starting (thrown or emitted). */
async function spawnDetached(file: string, args: string[], options: SpawnOptions): Promise<number | Error> {
  try {
    const child = spawn(file, args, { ...options, detached: true });
    return await new Promise<number | Error>((resolve) => {
      child.once('spawn', () => {
        child.unref();
        resolve(child.pid!);
      });
      child.once('error', resolve);
    });
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * True when `pid` is the shell of execution `name`: its command line is the launch's (`/bin/sh`,
 * the `agentline-code-exec` marker, the execution's name last) and it leads its own session and
 * process group, as a detached launch does. A reused pid, or someone's `grep local-…`, is not.
 */
async function isExecutionShell(pid: number | string, name: string): Promise<boolean> {
  const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').filter((arg) => arg !== '');
  if (argv[0] !== '/bin/sh' || argv[3] !== 'agentline-code-exec' || argv.at(-1) !== name) return false;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // "pid (comm) state ppid pgrp session …": comm may hold anything, so read after its last ')'.
  const [, , pgrp, session] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return pgrp === String(pid) && session === String(pid);
}
