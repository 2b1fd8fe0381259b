import { z } from 'zod';

/**
 * `agentCreators/{url-encoded user id}`: how many agents a user has created and not deleted,
 * kept by the registry in the transaction that creates or deletes one, so the per-user limit is
 * checked against one document instead of a count over every agent. Absent means 0.
 */
export const agentCreatorCountSchema = z.object({
  schemaVersion: z.literal(1),
  userId: z.string(),
  agentCount: z.number().int(),
});
export type AgentCreatorCount = z.infer<typeof agentCreatorCountSchema>;
