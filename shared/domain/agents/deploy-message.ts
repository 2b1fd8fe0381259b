import { z } from 'zod';
import { outboxIdOf } from '../outbox.ts';
import type { OutboxMessage } from '../step.ts';

/** The message (topic `agentline-agent-deploys`) that asks the deploy worker to finish a deploy operation. */
export const deployMessageSchema = z.strictObject({
  schemaVersion: z.literal(1),
  /** The deploy operation's name; the worker reads everything else from the registry. */
  operation: z.string().min(1),
});
export type DeployMessage = z.infer<typeof deployMessageSchema>;

export function deployOutboxMessage(operation: string): OutboxMessage {
  const data: DeployMessage = { schemaVersion: 1, operation };
  return { topic: 'agent-deploy', data, id: outboxIdOf('agent-deploy', operation) };
}
