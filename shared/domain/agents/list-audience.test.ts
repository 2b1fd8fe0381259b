import { describe, expect, it } from 'vitest';
import { agentStates } from '../agent-state.ts';
import { sampleAgentRecord } from '../../testing/agent-fixtures.ts';
import { audiencesOf, listAudienceOf } from './list-audience.ts';
import { canSee, stateReasonFor, type Caller } from './permissions.ts';

const callers: Caller[] = [
  { userId: 'ada', admin: false },
  { userId: 'bob', admin: false },
  { userId: 'allUsers', admin: false },
  { userId: 'root', admin: true },
];
const cases = agentStates.flatMap((state) => [false, true].flatMap((hidden) => callers.map((caller) => [state, hidden, caller.userId, caller] as const)));

describe('list audiences', () => {
  it.each(cases)('list an agent in state %s (hidden while deploying: %s; created by ada) to %s exactly when canSee lets them see it', (state, hidden, _userId, caller) => {
    const record = sampleAgentRecord('a', { state, creator: 'ada', ...(hidden ? { hiddenWhileDeploying: true } : {}) });
    const audiences = audiencesOf(caller);
    const listed = audiences === undefined || listAudienceOf(record).some((audience) => audiences.includes(audience));
    expect(listed).toBe(canSee(caller, record));
  });

  it("keep a PRIVATE agent of a user named like the everyone audience from everyone else", () => {
    const record = sampleAgentRecord('a', { state: 'PRIVATE', creator: 'allUsers' });
    expect(listAudienceOf(record).some((audience) => audiencesOf({ userId: 'bob', admin: false })!.includes(audience))).toBe(false);
  });
});

describe('a private agent being redeployed', () => {
  const bob: Caller = { userId: 'bob', admin: false };
  const ada: Caller = { userId: 'ada', admin: false };

  it('stays hidden from others while it deploys and after its deploy failed, and shows once deployed public', () => {
    for (const state of ['DEPLOYING', 'DEPLOYMENT_FAILED'] as const) {
      const record = sampleAgentRecord('a', { state, creator: 'ada', hiddenWhileDeploying: true });
      expect([canSee(bob, record), canSee(ada, record), listAudienceOf(record)]).toEqual([false, true, ['user:ada']]);
    }
    expect(canSee(bob, sampleAgentRecord('a', { state: 'ENABLED', creator: 'ada' }))).toBe(true);
  });

  it("shows a failed deploy's reason, which quotes the definition, only to those who may edit the agent; a suspension's to everyone", () => {
    const failed = sampleAgentRecord('a', { state: 'DEPLOYMENT_FAILED', creator: 'ada', stateReason: { kind: 'deploymentFailureReason', message: 'card at https://internal.example/card.json: 404' } });
    expect(stateReasonFor(bob, failed)).toEqual({});
    expect(stateReasonFor(ada, failed)).toEqual({ deploymentFailureReason: 'card at https://internal.example/card.json: 404' });
    const suspended = sampleAgentRecord('a', { state: 'SUSPENDED', creator: 'ada', stateReason: { kind: 'suspensionReason', message: 'maintenance' } });
    expect(stateReasonFor(bob, suspended)).toEqual({ suspensionReason: 'maintenance' });
  });
});
