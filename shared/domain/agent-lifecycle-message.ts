import { z } from 'zod';
import { outboxIdOf } from './outbox.ts';
import type { OutboxMessage } from './step.ts';

/**
 * The message on agentline-agent-lifecycle: "this agent's lifecycle changed; resume what may
 * resume". It carries only the name — the handler reads the current state — so a stale or
 * repeated message is harmless.
 */
export const agentLifecycleMessageSchema = z
  .object({
    schemaVersion: z.literal(1),
    agentName: z.string().min(1).max(512),
  })
  .strict();
export type AgentLifecycleMessage = z.infer<typeof agentLifecycleMessageSchema>;

/**
 * The announcement of one lifecycle change, committed with the change: `changeId` names the
 * change (an operation, or the agent's new update time), so each change has its own outbox entry.
 */
export function agentLifecycleOutboxMessage(agentName: string, changeId: string): OutboxMessage {
  const data: AgentLifecycleMessage = { schemaVersion: 1, agentName };
  return { topic: 'agent-lifecycle', data, id: outboxIdOf('agent-lifecycle', agentName, changeId) };
}
