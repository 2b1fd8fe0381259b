import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { chmod, chown, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxCommand, sourceFileOf, type CodeLanguage, type SandboxTools } from './sandbox-command.ts';
import { seccompFilter } from './seccomp-filter.ts';
import type { LimitHit, SandboxLimits } from '../../../shared/domain/code-execution/sandbox-limits.ts';
import { listWorkspaceFiles, workspaceBytes, type WorkspaceFile } from './workspace-files.ts';

export interface SandboxRun {
  language: CodeLanguage;
  code: string;
  /** Host directory holding the execution's input files; the code may read, change and add files there. */
  workspace: string;
  limits: SandboxLimits;
}

export interface SandboxOutcome {
  /** The code's exit status; absent when a signal ended it. */
  exitCode?: number;
  /** The signal that ended it (SIGXCPU, SIGXFSZ, SIGKILL, …). */
  signal?: string;
  /** The first `outputBytes` of each stream, as text. */
  stdout: string;
  stderr: string;
  /** How much each stream wrote in all. */
  stdoutBytes: number;
  stderrBytes: number;
  durationMs: number;
  /** The limit that stopped it, when one did. */
  limitHit?: LimitHit;
  /** The workspace's regular files the code created or changed. */
  files: WorkspaceFile[];
}

const workspaceCheckMs = 200;
const signals: Record<number, string> = { 6: 'SIGABRT', 9: 'SIGKILL', 11: 'SIGSEGV', 15: 'SIGTERM', 24: 'SIGXCPU', 25: 'SIGXFSZ' };
/** Messages of the runtimes when an allocation fails or a process cannot be made. */
const memoryMessages = /MemoryError|JavaScript heap out of memory|Fatal process out of memory|Cannot allocate memory|std::bad_alloc/;
const processMessages = /Resource temporarily unavailable|can't start new thread|EAGAIN/;
/** Python ignores SIGXFSZ: a write past the file size limit fails with EFBIG instead. */
const fileSizeMessages = /File too large|EFBIG/;

/**
 * A user id of the execution's own, from a range no account uses (2,000,000 up): random over a
 * billion, so executions at once — of this process or another — practically never share one (and
 * with it the process limit).
 */
function executionUid(): number {
  return 2_000_000 + randomInt(0, 1_000_000_000);
}

/**
 * Runs code in the sandbox (docs/architecture.md, "Code execution") and reports what it did: the
 * exit status, both streams capped, the duration, the limit that stopped it, and the files it
 * wrote. Never throws for what the code does — only when the sandbox itself cannot start.
 */
export async function runSandboxed(request: SandboxRun, tools: SandboxTools): Promise<SandboxOutcome> {
  const { limits } = request;
  const sourceDirectory = await mkdtemp(join(tmpdir(), 'agentline-source-'));
  try {
    await writeFile(join(sourceDirectory, sourceFileOf(request.language)), request.code, { mode: 0o644 });
    await chmod(sourceDirectory, 0o755);
    const before = new Map((await listWorkspaceFiles(request.workspace)).map((file) => [file.path, file]));
    const uid = tools.setpriv ? executionUid() : undefined;
    if (uid !== undefined) await chownTree(request.workspace, uid);
    const existingProcesses = uid === undefined ? await processesOfThisUser() : 0;
    const filter = seccompFilter();
    const command = sandboxCommand({ language: request.language, workspace: request.workspace, sourceDirectory, limits, tools, ...(uid !== undefined ? { uid } : { existingProcesses }), ...(filter ? { seccompFd: 3 } : {}) });
    const ran = await spawnLimited(command, request.workspace, limits, filter);
    const files = (await listWorkspaceFiles(request.workspace)).filter((file) => {
      const earlier = before.get(file.path);
      return !earlier || earlier.bytes !== file.bytes || earlier.mtimeMs !== file.mtimeMs;
    });
    return { ...ran, files };
  } finally {
    await rm(sourceDirectory, { recursive: true, force: true });
  }
}

async function spawnLimited(command: { file: string; args: string[] }, workspace: string, limits: SandboxLimits, filter: Buffer | undefined): Promise<Omit<SandboxOutcome, 'files'>> {
  const started = Date.now();
  const child = spawn(command.file, command.args, { detached: true, stdio: ['ignore', 'pipe', 'pipe', ...(filter ? (['pipe'] as const) : [])], env: {} });
  // bubblewrap reads the seccomp filter from fd 3 before it starts the code.
  if (filter) (child.stdio[3] as NodeJS.WritableStream).end(filter);
  let stopped: LimitHit | undefined;
  const stop = (why: LimitHit) => {
    stopped ??= why;
    try {
      // The whole process group: prlimit, setpriv, bubblewrap (whose children die with it).
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const capture = (stream: NodeJS.ReadableStream) => {
    const kept: Buffer[] = [];
    const state = { kept, bytes: 0 };
    stream.on('data', (chunk: Buffer) => {
      const room = limits.outputBytes - Math.min(limits.outputBytes, state.bytes);
      if (room > 0) kept.push(chunk.subarray(0, room));
      state.bytes += chunk.length;
      if (state.bytes > limits.outputBytes * 4) stop('output');
    });
    return state;
  };
  const stdout = capture(child.stdout!);
  const stderr = capture(child.stderr!);
  const wall = setTimeout(() => stop('wall-time'), limits.wallSeconds * 1000);
  let checking = false;
  const watch = setInterval(() => {
    if (checking) return;
    checking = true;
    void workspaceBytes(workspace, limits.workspaceBytes)
      .then((bytes) => bytes > limits.workspaceBytes && stop('workspace-size'))
      .finally(() => (checking = false));
  }, workspaceCheckMs);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  }).finally(() => {
    clearTimeout(wall);
    clearInterval(watch);
  });
  // A last look: a file written just before the end.
  if (!stopped && (await workspaceBytes(workspace, limits.workspaceBytes)) > limits.workspaceBytes) stopped = 'workspace-size';
  const text = (state: { kept: Buffer[] }) => Buffer.concat(state.kept).toString('utf8');
  const stderrText = text(stderr);
  // bubblewrap exits 128 + n when the code died of signal n.
  const signalNumber = exit.signal ? undefined : exit.code !== null && exit.code > 128 ? exit.code - 128 : undefined;
  const signal = exit.signal ?? (signalNumber !== undefined ? (signals[signalNumber] ?? `signal ${signalNumber}`) : undefined);
  return {
    ...(signal === undefined && exit.code !== null ? { exitCode: exit.code } : {}),
    ...(signal !== undefined ? { signal } : {}),
    stdout: text(stdout),
    stderr: stderrText,
    stdoutBytes: stdout.bytes,
    stderrBytes: stderr.bytes,
    durationMs: Date.now() - started,
    ...limitOf(stopped, signal, stderrText),
  };
}

function limitOf(stopped: LimitHit | undefined, signal: string | undefined, stderr: string): { limitHit?: LimitHit } {
  if (stopped) return { limitHit: stopped };
  if (signal === 'SIGXCPU') return { limitHit: 'cpu-time' };
  if (signal === 'SIGXFSZ' || fileSizeMessages.test(stderr)) return { limitHit: 'file-size' };
  if (memoryMessages.test(stderr)) return { limitHit: 'memory' };
  if (processMessages.test(stderr)) return { limitHit: 'processes' };
  return {};
}

async function chownTree(directory: string, uid: number): Promise<void> {
  await chown(directory, uid, uid);
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) await chownTree(path, uid);
    else if (entry.isFile()) await chown(path, uid, uid);
  }
}

/** Processes of this user id now (from /proc): without a user id of its own, the process limit must leave room for them. */
async function processesOfThisUser(): Promise<number> {
  const uid = process.getuid?.();
  let count = 0;
  for (const entry of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    if (new RegExp(`^Uid:\\s+${uid}\\b`, 'm').test(status)) count += 1;
  }
  return count;
}
