import { describe, expect, it } from 'vitest';
import { agentStates, type AgentState } from '../agent-state.ts';
import { AbortedError, FailedPreconditionError } from '../errors.ts';
import { assertDeployAllowed, decideLifecycleChange, type LifecycleAction } from './agent-lifecycle.ts';

const allowed: Record<LifecycleAction, AgentState[]> = {
  enableAgent: ['DISABLED', 'SUSPENDED'],
  disableAgent: ['ENABLED', 'SUSPENDED'],
  suspendAgent: ['ENABLED'],
};
const cases = (Object.keys(allowed) as LifecycleAction[]).flatMap((action) => agentStates.map((state) => [action, state] as const));

describe('decideLifecycleChange', () => {
  it.each(cases)('%s from %s is allowed only from the documented states', (action, state) => {
    const attempt = () => decideLifecycleChange(action, state, 'maintenance');
    if (allowed[action].includes(state)) expect(attempt().state).toBe({ enableAgent: 'ENABLED', disableAgent: 'DISABLED', suspendAgent: 'SUSPENDED' }[action]);
    else if (state === 'DEPLOYING') expect(attempt).toThrow(AbortedError);
    else expect(attempt).toThrow(FailedPreconditionError);
  });

  it('records the suspension reason and refuses a suspension without one', () => {
    expect(decideLifecycleChange('suspendAgent', 'ENABLED', ' abuse report ')).toEqual({
      state: 'SUSPENDED',
      reason: { kind: 'suspensionReason', message: 'abuse report' },
    });
    expect(() => decideLifecycleChange('suspendAgent', 'ENABLED', '  ')).toThrow(/suspensionReason/);
  });

  it('names the current state and the allowed ones when refusing', () => {
    expect(() => decideLifecycleChange('enableAgent', 'ENABLED')).toThrow('enableAgent is not allowed in state ENABLED; allowed from DISABLED or SUSPENDED');
  });
});

describe('assertDeployAllowed', () => {
  it('refuses a second deploy while one runs with ABORTED', () => {
    expect(() => assertDeployAllowed('DEPLOYING', true)).toThrow(AbortedError);
  });

  it('redeploys a deployed agent only with force', () => {
    expect(() => assertDeployAllowed('ENABLED', false)).toThrow(/force/);
    expect(() => assertDeployAllowed('ENABLED', true)).not.toThrow();
    expect(() => assertDeployAllowed('CONFIGURED', false)).not.toThrow();
    expect(() => assertDeployAllowed('DEPLOYMENT_FAILED', false)).not.toThrow();
  });
});
