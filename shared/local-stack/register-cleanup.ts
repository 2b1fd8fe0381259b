/** Stops something this process started. Must begin stopping synchronously (see below). */
export type Cleanup = () => Promise<void> | void;

const cleanups = new Set<Cleanup>();
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const backstopMs = 10_000;

// Only the synchronous part of a cleanup runs on 'exit' and on an uncaught error: Node runs no more
// I/O after those. That is why ProcessGroup.stop sends its SIGTERM before its first await.
function startAll(): Promise<unknown>[] {
  const running = [...cleanups].map((cleanup) => {
    try {
      return Promise.resolve(cleanup()).catch((error: unknown) => console.error('cleanup failed:', error));
    } catch (error) {
      console.error('cleanup failed:', error);
      return Promise.resolve();
    }
  });
  cleanups.clear();
  return running;
}

function onExit(): void {
  startAll();
}

/**
 * Repeats of a signal this soon after the first are the same interrupt delivered twice — by the
 * terminal to the whole process group and by a wrapper that forwards it (bin/agentline.js, npm) —
 * not a user pressing Ctrl-C again, so they must not cut the graceful stop short.
 */
const duplicateWindowMs = 500;
let first: { signal: NodeJS.Signals; at: number } | undefined;

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  if (first !== undefined) return onRepeatedSignal(signal);
  first = { signal, at: Date.now() };
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([runLastFirst(), new Promise((resolve) => (timer = setTimeout(resolve, backstopMs)))]);
  clearTimeout(timer);
  // Whatever the backstop cut short starts now, all at once (its SIGTERMs go out synchronously).
  await Promise.race([Promise.all(startAll()), new Promise((resolve) => setTimeout(resolve, 1_000))]);
  uninstall();
  // Die of the same signal so the parent (shell, CI) sees why we ended. If someone else also
  // listens for it, they own what happens next and have already been called.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

// A second Ctrl-C while we wait gets the default action; the SIGTERMs are already on their way.
// Another signal than the first does not: it is the same stop arriving by another path (a wrapper
// that turns the interrupt into SIGTERM when its parent dies, a hang-up reaching the whole group).
function onRepeatedSignal(signal: NodeJS.Signals): void {
  if (signal !== first!.signal || Date.now() - first!.at < duplicateWindowMs) return;
  uninstall();
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

// On a signal there is time to stop in order: the last registered (a whole stack that saves its
// data) before the first (the processes it is made of, which it stops itself), like `defer`.
async function runLastFirst(): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) {
    if (!cleanups.delete(cleanup)) continue;
    try {
      await cleanup();
    } catch (error) {
      console.error('cleanup failed:', error);
    }
  }
}

function install(): void {
  first = undefined;
  process.on('exit', onExit);
  // The monitor observes the error without changing how Node reports it or the exit code (1).
  process.on('uncaughtExceptionMonitor', onExit);
  for (const signal of signals) process.on(signal, onSignal);
}

function uninstall(): void {
  process.off('exit', onExit);
  process.off('uncaughtExceptionMonitor', onExit);
  for (const signal of signals) process.off(signal, onSignal);
}

/**
 * Runs `cleanup` when the process exits (normally or through `process.exit`), on SIGINT, SIGTERM
 * and SIGHUP, and on an uncaught exception or unhandled rejection, then lets the process end the
 * way it would have: the same exit code, or death by the same signal. On a signal, cleanups run
 * one after another, last registered first (each given time to finish, within a backstop); on
 * exit, only their synchronous parts can run, so all start at once. While anything is
 * registered, these signals no longer kill the process before its cleanups have run; the same
 * signal again during the stop kills it at once, unless it came within 500 ms of the first (the
 * same interrupt delivered twice, by the terminal and by a wrapper that forwards it); another
 * signal during the stop is ignored.
 * Returns a function that unregisters `cleanup` (call it after stopping normally).
 */
export function registerCleanup(cleanup: Cleanup): () => void {
  if (cleanups.size === 0) install();
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
    if (cleanups.size === 0) uninstall();
  };
}
