import { z } from 'zod';

/**
 * The message on agentline-sweep that asks for one sweep: Cloud Scheduler publishes it every
 * minute in production, the local stack from its own timer. It carries nothing else: what is
 * due is read from the store.
 */
export const sweepMessageSchema = z.strictObject({ schemaVersion: z.literal(1) });
export type SweepMessage = z.infer<typeof sweepMessageSchema>;

export const sweepMessage: SweepMessage = { schemaVersion: 1 };
