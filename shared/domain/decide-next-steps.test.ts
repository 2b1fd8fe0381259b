import { describe, expect, it } from 'vitest';
import { sampleRun } from '../testing/run-fixtures.ts';
import { decideNextSteps } from './decide-next-steps.ts';
import { parkRun } from './run-parking.ts';

const now = 1_790_000_100_000;
const agent = {
  name: 'projects/p/locations/l/collections/c/engines/e/agents/a',
  version: 'v1',
  definition: { name: 'a', model: 'gemini-2.5-flash', description: '', instruction: '', tools: [] },
  registered: true,
};
const running = sampleRun('r1', { state: 'RUNNING', agent, turn: 2, next: { kind: 'model' } });

describe('decideNextSteps with the agent lifecycle', () => {
  it.each([undefined, 'ENABLED', 'PRIVATE', 'DISABLED'] as const)('enqueues the next step when the agent is %s', (state) => {
    const transition = decideNextSteps(running, now, state);
    expect(transition.newSteps.map((step) => step.stepId)).toEqual(['2-model-0']);
    expect(transition.run.state).toBe('RUNNING');
  });

  it('parks the run when the agent is SUSPENDED: WAITING, cursor kept, reason recorded, nothing enqueued', () => {
    const transition = decideNextSteps(running, now, 'SUSPENDED');
    expect(transition.newSteps).toEqual([]);
    expect(transition.outbox).toEqual([]);
    expect(transition.run).toMatchObject({
      state: 'WAITING',
      next: { kind: 'model' },
      turn: 2,
      parkCount: 1,
      waitingReason: { code: 'AGENT_SUSPENDED', message: expect.stringContaining(`Agent ${agent.name} is SUSPENDED`) },
      updateTime: now,
    });
  });

  it('resumes a parked run from its cursor once the agent is no longer SUSPENDED', () => {
    const parked = parkRun(running, now);
    const transition = decideNextSteps(parked, now + 1, 'ENABLED');
    expect(transition.newSteps.map((step) => step.stepId)).toEqual(['2-model-0']);
    expect(transition.run.state).toBe('RUNNING');
    expect(transition.run.waitingReason).toBeUndefined();
  });

  it('parks a parked run again, with a new park count, when the agent is still SUSPENDED', () => {
    const parked = parkRun(running, now);
    expect(decideNextSteps(parked, now + 1, 'SUSPENDED').run).toMatchObject({ state: 'WAITING', parkCount: 2 });
  });

  it('leaves a run that waits for another reason alone', () => {
    const waiting = { ...running, state: 'WAITING' as const, waitingReason: { code: 'REMOTE_TASK', message: 'waiting' } };
    expect(decideNextSteps(waiting, now, 'ENABLED')).toEqual({ run: waiting, newSteps: [], outbox: [] });
  });

  it('decides nothing for an ended run, whatever the agent state', () => {
    const ended = { ...running, state: 'SUCCEEDED' as const, next: { kind: 'none' as const } };
    expect(decideNextSteps(ended, now, 'SUSPENDED')).toEqual({ run: ended, newSteps: [], outbox: [] });
  });
});
