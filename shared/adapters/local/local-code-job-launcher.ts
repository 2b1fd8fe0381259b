import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePathSegment } from '../../domain/artifacts/artifact.ts';
import { executionKeyVariable, type CodeJobLauncher, type CodeJobState } from '../../ports/code-job-launcher.ts';

/** The job's entry point, run by this machine's Node (which runs TypeScript directly). */
const jobEntry = fileURLToPath(new URL('../../../jobs/code-exec/main.ts', import.meta.url));

interface ExecutionRecord {
  name: string;
  key: string;
  /** Absent when the launch died between recording the execution and starting it (or right after). */
  pid?: number;
  createTime: number;
}

/**
 * CodeJobLauncher for the local stack (docs/architecture.md, "Code execution"): each execution is
 * a detached process of the job's entry point, in a session of its own, so it outlives a crash or
 * restart of the stack that launched it, as a Cloud Run execution outlives its function. Under
 * `dir`, per key, a record of each execution (name, pid, start), and per execution its exit status
 * — written by the shell that waits for it — and its log. An execution with neither a live process
 * nor an exit status died without one (a killed machine): `failed`.
 */
export class LocalCodeJobLauncher implements CodeJobLauncher {
  readonly #dir: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #node: string;

  /** `env`: the job's environment (the store, the emulators); the executed code never sees it. */
  constructor(dir: string, env: NodeJS.ProcessEnv, options: { node?: string } = {}) {
    this.#dir = dir;
    this.#env = env;
    this.#node = options.node ?? process.execPath;
  }

  async launch(key: string, env: Record<string, string>): Promise<string> {
    const name = `local-${randomUUID()}`;
    const keyDir = join(this.#dir, 'keys', encodePathSegment(key, 'execution key'));
    await mkdir(keyDir, { recursive: true });
    await mkdir(join(this.#dir, 'executions'), { recursive: true });
    // Recorded before it starts, so a launch that dies right after starting it is still found by its key.
    const record: ExecutionRecord = { name, key, createTime: Date.now() };
    await writeFile(this.#path(name), JSON.stringify(record));
    await writeFile(join(keyDir, name), '');
    const log = await open(join(this.#dir, 'executions', `${name}.log`), 'a');
    try {
      // The shell outlives the job's process to write its exit status; `name` is its last
      // argument, so a pid reused by another process is told apart by its command line.
      const child = spawn('/bin/sh', ['-c', '"$1" "$2"; echo $? > "$3.exit"', 'agentline-code-exec', this.#node, jobEntry, this.#path(name), name], {
        detached: true,
        stdio: ['ignore', log.fd, log.fd],
        env: { ...this.#env, ...env, [executionKeyVariable]: key },
      });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      child.unref();
      await writeFile(this.#path(name), JSON.stringify({ ...record, pid: child.pid }));
    } finally {
      await log.close();
    }
    return name;
  }

  async find(key: string, since: number): Promise<string | undefined> {
    const names = await readdir(join(this.#dir, 'keys', encodePathSegment(key, 'execution key'))).catch(() => []);
    for (const name of names) {
      const record = await this.#record(name);
      if (record && record.key === key && record.createTime >= since - 60_000) return name;
    }
    return undefined;
  }

  async state(execution: string): Promise<CodeJobState> {
    const exit = await readFile(`${this.#path(execution)}.exit`, 'utf8').catch(() => undefined);
    if (exit !== undefined) return exit.trim() === '0' ? { kind: 'succeeded' } : { kind: 'failed' };
    const record = await this.#record(execution);
    if (!record) return { kind: 'missing' };
    // Its launch died before it learnt the pid: whether it runs cannot be told, so it counts as
    // running, and the step's own deadline for it ends the wait.
    if (record.pid === undefined) return { kind: 'running' };
    const commandLine = await readFile(`/proc/${record.pid}/cmdline`, 'utf8').catch(() => '');
    if (commandLine.split('\0').includes(execution)) return { kind: 'running' };
    // Gone without an exit status; read once more, in case it was written meanwhile.
    const late = await readFile(`${this.#path(execution)}.exit`, 'utf8').catch(() => undefined);
    return late?.trim() === '0' ? { kind: 'succeeded' } : { kind: 'failed' };
  }

  #path(name: string): string {
    return join(this.#dir, 'executions', `${name}.json`);
  }

  async #record(name: string): Promise<ExecutionRecord | undefined> {
    if (!/^local-[0-9a-f-]{36}$/.test(name)) return undefined;
    const text = await readFile(this.#path(name), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : (JSON.parse(text) as ExecutionRecord);
  }
}
