import { sweepMessageSchema } from '../domain/sweep-message.ts';
import { decodeJsonMessage, type Delivery } from '../engine/delivery.ts';
import type { Deps } from '../engine/deps.ts';
import { sweep } from '../engine/sweep.ts';

/**
 * Consumes agentline-sweep: one sweep per message. Items it cannot re-drive are left for the
 * next sweep rather than failing the message, so a sweep is never dead-lettered for them.
 */
export function createSweepHandler(deps: Pick<Deps, 'store' | 'outbox' | 'callbacks' | 'queue' | 'clock' | 'logger' | 'settings'>) {
  return async function handleSweep(delivery: Delivery): Promise<void> {
    decodeJsonMessage(delivery, sweepMessageSchema, `Sweep message on ${delivery.source}`);
    await sweep(deps);
  };
}
