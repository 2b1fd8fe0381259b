import type { PubSub } from '@google-cloud/pubsub';
import { sweepMessage } from '../domain/sweep-message.ts';

/**
 * Publishes a sweep message every `intervalMs`, as Cloud Scheduler does in production, so the
 * local stack sweeps through the same topic and function. A publish that fails is a warning: the
 * next tick tries again. `intervalMs` 0 publishes nothing.
 */
export function startSweepTimer(pubsub: PubSub, topic: string, intervalMs: number, warn: (message: string) => void): { stop(): void } {
  if (intervalMs <= 0) return { stop: () => {} };
  const timer = setInterval(() => {
    pubsub
      .topic(topic)
      .publishMessage({ json: sweepMessage })
      .catch((error: unknown) => warn(`warning: could not publish the sweep message: ${(error as Error).message}`));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
