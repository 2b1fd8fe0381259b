import type { AgentState } from './agent-state.ts';
import type { Run } from './run.ts';
import { stepIdOf } from './step.ts';

/** The `waitingReason.code` of a run parked because its agent is SUSPENDED. */
export const agentSuspendedCode = 'AGENT_SUSPENDED';

/**
 * Whether a transition of a run may enqueue further steps given its agent's lifecycle state
 * (read in the same transaction). Only SUSPENDED stops it: DISABLED lets in-flight runs finish
 * (new ones are refused at submission), and a deleted agent (undefined) has nothing to gate on —
 * the run carries its own definition snapshot.
 */
export function lifecycleParksRun(agentState: AgentState | undefined): boolean {
  return agentState === 'SUSPENDED';
}

/**
 * Whether a parked run may resume: only when its agent is enabled again (ENABLED, or PRIVATE).
 * A DISABLED agent's parked runs keep waiting — disabling is no reason to resume what a suspend
 * stopped — and resume if it is enabled later.
 */
export function lifecycleResumesRun(agentState: AgentState | undefined): boolean {
  return agentState === 'ENABLED' || agentState === 'PRIVATE';
}

/** The error of a parked run whose agent was deleted: it can never resume. */
export function agentDeletedError(agentName: string): { code: string; message: string } {
  return { code: 'AGENT_DELETED', message: `Agent ${agentName} was deleted while the run waited for it to be enabled` };
}

/** True for a run waiting because its agent was suspended (not for other kinds of waiting). */
export function isParkedByLifecycle(run: Run): boolean {
  return run.state === 'WAITING' && run.waitingReason?.code === agentSuspendedCode;
}

/** The run parked: WAITING with its cursor kept and the reason visible on the run. */
export function parkRun(run: Run, now: number): Run {
  return {
    ...run,
    state: 'WAITING',
    waitingReason: {
      code: agentSuspendedCode,
      message: `Agent ${run.agent?.name ?? '(unknown)'} is SUSPENDED; the run waits before its next ${run.next.kind} step and resumes when the agent is enabled`,
    },
    parkCount: (run.parkCount ?? 0) + 1,
    updateTime: now,
  };
}

/** The parked run taken out of WAITING, ready for the next steps to be decided. */
export function unparkRun(run: Run, now: number): Run {
  const { waitingReason: _reason, ...rest } = run;
  return { ...rest, state: 'RUNNING', updateTime: now };
}

/**
 * The plan step that resumes a parked run. Deterministic per park (turn and park count), so a
 * repeated resume names the same step, and a later park gets a new one.
 */
export function resumeStepIdOf(run: Run): string {
  return stepIdOf(run.turn, 'plan', run.parkCount ?? 0);
}
