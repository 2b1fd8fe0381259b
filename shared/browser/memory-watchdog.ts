import { readFileSync } from 'node:fs';
import { descendantPids } from '../local-stack/process-tree.ts';

/** How often the browser's memory is read. */
const intervalMs = 200;
const pageBytes = 4096;

/** A watch on a browser's memory: its limit, whether it was passed, and how to end the watch. */
export interface MemoryWatch {
  readonly limitBytes: number;
  exceeded(): boolean;
  stop(): void;
}

/**
 * Reads the resident memory of `pid` and every process beneath it (Chromium's renderers, GPU and
 * network processes) from /proc every 200 ms, and calls `onExceeded` once when it passes
 * `limitBytes`. A no-op where there is no /proc (macOS) or no pid.
 */
export function watchMemory(pid: number | undefined, limitBytes: number, onExceeded: () => void): MemoryWatch {
  let exceeded = false;
  if (pid === undefined) return { limitBytes, exceeded: () => false, stop: () => {} };
  const timer = setInterval(() => {
    if (residentBytes([pid, ...descendantPids(pid)]) <= limitBytes || exceeded) return;
    exceeded = true;
    clearInterval(timer);
    onExceeded();
  }, intervalMs);
  timer.unref();
  return { limitBytes, exceeded: () => exceeded, stop: () => clearInterval(timer) };
}

function residentBytes(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      // statm: size resident shared ... in pages.
      total += Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * pageBytes;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}
