import { z } from 'zod';
import { runName } from '../run.ts';
import { toRfc3339 } from '../run-view.ts';

/**
 * Who a run created through the runs API belongs to, written create-once by `runs.create` before
 * it publishes the submission (docs/architecture.md, "Runs API"). A run id is a hash of (caller,
 * requestId), so until the submission step writes the run nothing else says whose it is: the
 * claim lets its owner get, wait on, stream and cancel it from the first moment, and keeps
 * everyone else at 403 as for a run.
 */
export const runClaimSchema = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  userId: z.string(),
  /** The agent's resource name, or the inline Agent Config's file name (`inline` without one). */
  agentName: z.string(),
  input: z.string(),
  sessionId: z.string().optional(),
  createTime: z.number(),
});
export type RunClaim = z.infer<typeof runClaimSchema>;

/** The run as its owner sees it before the submission step has written it: `QUEUED`. */
export function pendingRunView(claim: RunClaim): Record<string, unknown> {
  const time = toRfc3339(claim.createTime);
  return {
    name: runName(claim.runId),
    runId: claim.runId,
    agent: { name: claim.agentName },
    state: 'QUEUED',
    input: claim.input,
    sessionId: claim.sessionId,
    userId: claim.userId,
    createTime: time,
    updateTime: time,
  };
}
