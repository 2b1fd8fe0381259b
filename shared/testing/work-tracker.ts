/**
 * Counts work in progress (running deliveries, pending timers, publishes in flight) and wakes
 * whoever waits for none. Every `begin()` must be matched by exactly one `end()`.
 */
export function createWorkTracker() {
  let count = 0;
  let waiters: (() => void)[] = [];
  return {
    begin() {
      count++;
    },
    end() {
      count--;
      if (count > 0) return;
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    },
    /** Resolves at once when nothing is in progress, otherwise when the last piece ends. */
    idle(): Promise<void> {
      return count === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
    },
  };
}
