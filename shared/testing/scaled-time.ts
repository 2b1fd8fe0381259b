import type { Clock } from '../ports/clock.ts';
import type { DelayQueue } from '../ports/step-queue.ts';

/**
 * Simulated time that runs `scale` times faster than the wall clock, for tests of behaviour that
 * takes minutes (following a remote task for ten minutes): the pipeline's clock reads simulated
 * time, and delays asked of the delay queue in simulated milliseconds are waited for in real ones.
 * Pub/Sub and the emulators keep real time, so a hop costs its real ~100 ms times `scale` in
 * simulated time; that only makes simulated time pass faster still.
 */
export function createScaledTime(scale: number, start = Date.now()) {
  const clock: Clock = { now: () => start + Math.round((Date.now() - start) * scale) };
  return {
    clock,
    /** `delayQueue` with its delays taken as simulated time. */
    scaleDelays(delayQueue: DelayQueue): DelayQueue {
      return { schedule: (message, delayMs, key) => delayQueue.schedule(message, Math.ceil(delayMs / scale), key) };
    },
  };
}
