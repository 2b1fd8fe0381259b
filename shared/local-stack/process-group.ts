import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { registerCleanup } from './register-cleanup.ts';

/** How a process group's leader ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process started as the leader of its own process group. */
export interface ProcessGroup {
  readonly pid: number;
  /** Settles when the leader exits (never rejects). */
  readonly exited: Promise<ProcessExit>;
  /** The leader has exited. */
  hasExited(): boolean;
  /** The last few kilobytes of stdout and stderr, interleaved, for error messages. */
  outputTail(): string;
  /** The child's stdin, when spawned with `stdin: 'pipe'`; closing it is an end-of-file the child can watch. */
  readonly stdin: Writable | undefined;
  /**
   * Stops the whole group: SIGTERM now, SIGKILL if the leader is still alive after `graceMs`.
   * The SIGTERM is sent synchronously, before the first await, so calling this from an `exit`
   * handler still stops the group. Idempotent: later calls return the first call's promise.
   */
  stop(graceMs?: number): Promise<void>;
}

const tailBytes = 8192;

export interface SpawnGroupOptions {
  /** `'pipe'` keeps a pipe to the child's stdin open (`ProcessGroup.stdin`); default: none. */
  stdin?: 'pipe' | 'ignore';
  /** Called with every line the child writes to stdout (a protocol with the child). */
  onStdoutLine?: (line: string) => void;
  /**
   * Stop the group when this process is interrupted or exits (default true). False for a caller
   * that decides itself when its children stop (the emulator guardian saves data first).
   */
  stopWithThisProcess?: boolean;
}

/**
 * Spawns `command` detached, in its own process group, so that stopping it also stops anything it
 * forked, and a Ctrl-C aimed at our terminal's group does not reach it behind our back (our cleanup
 * decides when it stops). Output is drained into a small ring buffer so a chatty child can never
 * block on a full pipe. Rejects if the command cannot be started at all (for example ENOENT).
 */
export async function spawnProcessGroup(command: string, args: readonly string[], options: SpawnGroupOptions = {}): Promise<ProcessGroup> {
  const child = spawn(command, args, { detached: true, stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keepTail = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-tailBytes);
  };
  child.stdout!.on('data', keepTail);
  child.stderr!.on('data', keepTail);
  if (options.onStdoutLine) createInterface({ input: child.stdout! }).on('line', options.onStdoutLine);
  // A pipe whose reader died must not crash this process with EPIPE.
  child.stdin?.on('error', () => {});

  let exit: ProcessExit | undefined;
  // 'exit' rather than 'close': grandchildren holding the pipes must not delay noticing the leader.
  const exited = new Promise<ProcessExit>((resolve) =>
    child.once('exit', (code, signal) => resolve((exit = { code, signal }))),
  );
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${command} started without a pid`);
  let stopping: Promise<void> | undefined;
  // From the moment it exists, the group is stopped if this process is interrupted or exits,
  // even while whoever started it is still waiting for it to become ready.
  if (options.stopWithThisProcess ?? true) {
    const unregister = registerCleanup(() => stopGroup());
    void exited.then(() => unregister());
  }

  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch (error) {
      // ESRCH: the group is already gone, which is what we wanted.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };

  return {
    pid,
    exited,
    hasExited: () => exit !== undefined,
    outputTail: () => tail,
    stdin: child.stdin ?? undefined,
    stop: (graceMs = 3000) => stopGroup(graceMs),
  };

  function stopGroup(graceMs = 3000): Promise<void> {
    stopping ??= (async () => {
      signalGroup('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'grace over'>((resolve) => (timer = setTimeout(resolve, graceMs, 'grace over')));
      const outcome = await Promise.race([exited, graceOver]);
      clearTimeout(timer);
      // Also after a clean exit: sweeps any group member that outlived the leader.
      signalGroup('SIGKILL');
      if (outcome === 'grace over') await exited;
    })();
    return stopping;
  }
}

/**
 * Whether `pid` is a live process. A zombie (exited, not yet reaped by its parent) counts as gone:
 * it holds no ports or memory, and a container without an init may never reap it. Where there is
 * no /proc (macOS), asks the kernel with signal 0, which cannot tell a zombie apart.
 */
export function isProcessAlive(pid: number): boolean {
  let stat: string;
  try {
    // /proc/<pid>/stat is "pid (comm) S ...": the state letter follows the last ')'.
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && existsSync('/proc/self/stat')) return false;
    return answersSignalZero(pid);
  }
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

function answersSignalZero(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
