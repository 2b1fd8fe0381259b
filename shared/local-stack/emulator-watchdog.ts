import { spawnProcessGroup } from './process-group.ts';

/** A process that stops emulator process groups once the process that started it is gone. */
export interface EmulatorWatchdog {
  readonly pid: number;
  /** Adds a process group to stop. */
  watch(processGroupId: number): void;
  /** Lets the watchdog exit without stopping anything (the groups were stopped already). */
  release(): void;
}

// POSIX sh, so it runs wherever the emulators do and costs a shell, not a JVM or a Node. It reads
// process group ids, one per line, until `release` (exit quietly) or end of file — its owner, the
// only writer of the pipe, died however it died — and then stops them: TERM, and KILL for any
// still alive after the grace ($1, in tenths of a second). `kill -SIG -PGID` because dash's kill
// does not accept `--`.
const script = `
groups=
while IFS= read -r line; do
  case $line in
    release) exit 0 ;;
    ''|*[!0-9]*) ;;
    *) groups="$groups $line" ;;
  esac
done
for group in $groups; do kill -TERM -"$group" 2>/dev/null; done
waited=0
while [ "$waited" -lt "$1" ]; do
  alive=
  for group in $groups; do kill -0 -"$group" 2>/dev/null && alive=1; done
  [ -z "$alive" ] && exit 0
  sleep 0.1
  waited=$((waited + 1))
done
for group in $groups; do kill -KILL -"$group" 2>/dev/null; done
`;

/**
 * Starts a watchdog for this process's emulators where the kernel's parent-death signal is not
 * available (macOS has no `setpriv`): a tiny shell process, detached into its own session so a
 * terminal's Ctrl-C or hang-up does not reach it, whose stdin is a pipe from this process. When
 * this process dies — even by SIGKILL, which runs no cleanup — the kernel closes the pipe and the
 * watchdog stops every watched process group (SIGTERM, then SIGKILL after `graceMs`).
 */
export async function startEmulatorWatchdog(graceMs = 5_000): Promise<EmulatorWatchdog> {
  const tenths = String(Math.ceil(graceMs / 100));
  // Not stopped with this process: outliving it is the watchdog's job.
  const group = await spawnProcessGroup('/bin/sh', ['-c', script, 'agentline-emulator-watchdog', tenths], { stdin: 'pipe', stopWithThisProcess: false });
  return {
    pid: group.pid,
    watch: (processGroupId) => void group.stdin?.write(`${processGroupId}\n`),
    release: () => void group.stdin?.end('release\n'),
  };
}
