/** An opaque handle for a scheduled callback. */
export type TimerHandle = { readonly timer: unknown };

/** Time and timeouts as a dependency, so a test can move time by hand instead of waiting. */
export interface Timers {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `callback` once, `delayMs` from now. */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a callback that has not run; does nothing for one that ran or was cancelled. */
  clearTimeout(handle: TimerHandle): void;
}

/** Real time: `Date.now` and Node's timers. */
export const systemTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => ({ timer: setTimeout(callback, delayMs) }),
  clearTimeout: (handle) => clearTimeout(handle.timer as NodeJS.Timeout),
};

interface ManualTimer {
  dueTime: number;
  callback: () => void;
}

/**
 * Timers whose time moves only when the test says so. `runNext()` jumps to the earliest pending
 * callback, runs it and lets the promises it started settle; `delays` records every delay asked
 * for, in order, so a test can check a backoff sequence.
 */
export function createManualTimers(startTime = 0) {
  let now = startTime;
  const pending = new Set<ManualTimer>();
  const delays: number[] = [];
  const timers: Timers = {
    now: () => now,
    setTimeout(callback, delayMs) {
      delays.push(delayMs);
      const timer: ManualTimer = { dueTime: now + Math.max(0, delayMs), callback };
      pending.add(timer);
      return { timer };
    },
    clearTimeout(handle) {
      pending.delete(handle.timer as ManualTimer);
    },
  };
  return {
    timers,
    delays,
    /** Callbacks scheduled and not yet run or cancelled. */
    pendingCount: () => pending.size,
    /** Runs the earliest pending callback (time jumps to it); false when nothing is pending. */
    async runNext(): Promise<boolean> {
      const next = [...pending].sort((a, b) => a.dueTime - b.dueTime)[0];
      if (!next) return false;
      pending.delete(next);
      now = Math.max(now, next.dueTime);
      next.callback();
      await settlePromises();
      return true;
    },
    /** Runs callbacks until none is pending, at most `limit` of them (a guard against endless retries). */
    async runAll(limit = 1_000): Promise<number> {
      let ran = 0;
      while (ran < limit && (await this.runNext())) ran++;
      return ran;
    },
  };
}

/**
 * Lets promise chains started by a callback finish: one turn of the real event loop runs every
 * queued microtask first. Handlers under test must not wait on real I/O.
 */
export function settlePromises(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
