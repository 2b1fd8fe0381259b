import { describe, expect, it } from 'vitest';
import { sampleRun } from '../testing/run-fixtures.ts';
import type { AgentLifecycle, AgentState } from './agent-state.ts';
import { decideNextSteps, type Transition } from './decide-next-steps.ts';
import { lifecycleParkReason, parkRun } from './run-parking.ts';

const now = 1_790_000_100_000;
const agent = {
  name: 'projects/p/locations/l/collections/c/engines/e/agents/a',
  version: 'v1',
  definition: { name: 'a', model: 'gemini-2.5-flash', description: '', instruction: '', tools: [] },
  registered: true,
};
const running = sampleRun('r1', { state: 'RUNNING', agent, turn: 2, next: { kind: 'model' }, userId: 'grace' });
/** The agent's lifecycle as a commit reads it: its state and its creator. */
const lifecycle = (state: AgentState, creator = 'ada'): AgentLifecycle => ({ state, creator });
const suspended = lifecycleParkReason(running, lifecycle('SUSPENDED'))!;

/** A first park: WAITING, cursor kept, the reason recorded, nothing enqueued. */
function expectParked(transition: Transition, code: string, messageStart: string): void {
  expect(transition.newSteps).toEqual([]);
  expect(transition.outbox).toEqual([]);
  expect(transition.run).toMatchObject({
    state: 'WAITING',
    next: { kind: 'model' },
    turn: 2,
    parkCount: 1,
    waitingReason: { code, message: expect.stringContaining(messageStart) },
    updateTime: now,
  });
}

describe('decideNextSteps with the agent lifecycle', () => {
  it.each([undefined, lifecycle('ENABLED'), lifecycle('PRIVATE', 'grace'), lifecycle('DISABLED')])('enqueues the next step when the agent is %o', (read) => {
    const transition = decideNextSteps(running, now, read);
    expect(transition.newSteps.map((step) => step.stepId)).toEqual(['2-model-0']);
    expect(transition.run.state).toBe('RUNNING');
  });

  it('parks the run when the agent is SUSPENDED: WAITING, cursor kept, reason recorded, nothing enqueued', () => {
    expectParked(decideNextSteps(running, now, lifecycle('SUSPENDED')), 'AGENT_SUSPENDED', `Agent ${agent.name} is SUSPENDED`);
  });

  it('resumes a parked run from its cursor once the agent is no longer SUSPENDED', () => {
    const parked = parkRun(running, now, suspended);
    const transition = decideNextSteps(parked, now + 1, lifecycle('ENABLED'));
    expect(transition.newSteps.map((step) => step.stepId)).toEqual(['2-model-0']);
    expect(transition.run.state).toBe('RUNNING');
    expect(transition.run.waitingReason).toBeUndefined();
  });

  it('parks a parked run again, with a new park count, when the agent is still SUSPENDED', () => {
    const parked = parkRun(running, now, suspended);
    expect(decideNextSteps(parked, now + 1, lifecycle('SUSPENDED')).run).toMatchObject({ state: 'WAITING', parkCount: 2 });
  });

  it('leaves a run that waits for another reason alone', () => {
    const waiting = { ...running, state: 'WAITING' as const, waitingReason: { code: 'REMOTE_TASK', message: 'waiting' } };
    expect(decideNextSteps(waiting, now, lifecycle('ENABLED'))).toEqual({ run: waiting, newSteps: [], outbox: [] });
  });

  it('decides nothing for an ended run, whatever the agent state', () => {
    const ended = { ...running, state: 'SUCCEEDED' as const, next: { kind: 'none' as const } };
    expect(decideNextSteps(ended, now, lifecycle('SUSPENDED'))).toEqual({ run: ended, newSteps: [], outbox: [] });
  });

  it.each([
    ['another user', 'grace'],
    ['an anonymous caller', undefined],
  ])('parks the run of %s when the agent is PRIVATE, naming the agent', (_who, userId) => {
    const { userId: _user, ...anonymous } = running;
    const run = userId === undefined ? anonymous : running;
    expectParked(decideNextSteps(run, now, lifecycle('PRIVATE', 'ada')), 'AGENT_PRIVATE', `Agent ${agent.name} is PRIVATE`);
  });

  it('resumes a parked run of another user only when the agent is ENABLED, not while it is PRIVATE', () => {
    const parked = decideNextSteps(running, now, lifecycle('PRIVATE', 'ada')).run;
    expect(decideNextSteps(parked, now + 1, lifecycle('PRIVATE', 'ada')).run).toMatchObject({ state: 'WAITING', parkCount: 2, waitingReason: { code: 'AGENT_PRIVATE' } });
    expect(decideNextSteps(parked, now + 1, lifecycle('ENABLED', 'ada')).newSteps.map((step) => step.stepId)).toEqual(['2-model-0']);
  });

  it('resumes the creator\'s parked run when the agent is PRIVATE', () => {
    const parked = parkRun({ ...running, userId: 'ada' }, now, suspended);
    const transition = decideNextSteps(parked, now + 1, lifecycle('PRIVATE', 'ada'));
    expect(transition.newSteps.map((step) => step.stepId)).toEqual(['2-model-0']);
    expect(transition.run.waitingReason).toBeUndefined();
  });

  it.each(['DISABLED', 'DEPLOYING', 'CONFIGURED'] as const)(
    'keeps a parked run parked, with its reason and a new park count, when the agent is %s as the resume step runs',
    (state) => {
      const parked = parkRun(running, now, suspended);
      const transition = decideNextSteps(parked, now + 1, lifecycle(state));
      expect(transition.newSteps).toEqual([]);
      expect(transition.outbox).toEqual([]);
      expect(transition.run).toMatchObject({ state: 'WAITING', parkCount: 2, waitingReason: parked.waitingReason, next: { kind: 'model' } });
    },
  );

  it('fails a parked run whose agent was deleted before its resume step ran, and publishes the outcome', () => {
    const parked = parkRun(running, now, suspended);
    const transition = decideNextSteps(parked, now + 1, undefined);
    expect(transition.newSteps).toEqual([]);
    expect(transition.run).toMatchObject({ state: 'FAILED', error: { code: 'AGENT_DELETED' } });
    expect(transition.outbox.map((message) => message.topic)).toEqual(['results']);
  });
});
