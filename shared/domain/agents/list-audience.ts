import type { AgentRecord } from './agent-record.ts';
import { isHiddenFromOthers, type Caller } from './permissions.ts';

/** Everyone signed in. User audiences are prefixed, so no user id can be mistaken for it. */
const everyone = 'allUsers';
const userAudience = (userId: string) => `user:${userId}`;

/**
 * Who may find the agent in a list besides admins, as values a list query can match one of
 * (the registry stores them with the agent): everyone unless it is PRIVATE, and always its creator.
 * `canSee` in permissions.ts states the same rule per agent; a test holds the two together.
 */
export function listAudienceOf(record: Pick<AgentRecord, 'state' | 'creator' | 'hiddenWhileDeploying'>): string[] {
  return isHiddenFromOthers(record) ? [userAudience(record.creator)] : [everyone, userAudience(record.creator)];
}

/** The audiences `caller` belongs to; undefined for admins, who see every agent. */
export function audiencesOf(caller: Caller): string[] | undefined {
  return caller.admin ? undefined : [everyone, userAudience(caller.userId)];
}
