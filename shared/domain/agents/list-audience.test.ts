import { describe, expect, it } from 'vitest';
import { agentStates } from '../agent-state.ts';
import { sampleAgentRecord } from '../../testing/agent-fixtures.ts';
import { audiencesOf, listAudienceOf } from './list-audience.ts';
import { canSee, type Caller } from './permissions.ts';

const callers: Caller[] = [
  { userId: 'ada', admin: false },
  { userId: 'bob', admin: false },
  { userId: 'allUsers', admin: false },
  { userId: 'root', admin: true },
];
const cases = agentStates.flatMap((state) => callers.map((caller) => [state, caller.userId, caller] as const));

describe('list audiences', () => {
  it.each(cases)('list an agent in state %s (created by ada) to %s exactly when canSee lets them see it', (state, _userId, caller) => {
    const record = sampleAgentRecord('a', { state, creator: 'ada' });
    const audiences = audiencesOf(caller);
    const listed = audiences === undefined || listAudienceOf(record).some((audience) => audiences.includes(audience));
    expect(listed).toBe(canSee(caller, record));
  });

  it("keep a PRIVATE agent of a user named like the everyone audience from everyone else", () => {
    const record = sampleAgentRecord('a', { state: 'PRIVATE', creator: 'allUsers' });
    expect(listAudienceOf(record).some((audience) => audiencesOf({ userId: 'bob', admin: false })!.includes(audience))).toBe(false);
  });
});
