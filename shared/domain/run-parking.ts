import { canStartRun, isAgentCreator, type AgentLifecycle } from './agent-state.ts';
import type { Run, RunError } from './run.ts';
import { stepIdOf } from './step.ts';

/** The `waitingReason.code` of a run parked because its agent is SUSPENDED. */
export const agentSuspendedCode = 'AGENT_SUSPENDED';
/** The `waitingReason.code` of a run parked because its agent became PRIVATE and the run is not its creator's. */
export const agentPrivateCode = 'AGENT_PRIVATE';

/**
 * Why a transition of a running run must park it instead of enqueuing further steps, given its
 * agent's lifecycle (read in the same transaction); undefined when it may go on. SUSPENDED parks
 * every run; PRIVATE parks the runs of everyone but the creator (anonymous runs included).
 * DISABLED lets in-flight runs finish (new ones are refused at submission), and a deleted agent
 * (undefined) has nothing to gate on: the run carries its own definition snapshot.
 */
export function lifecycleParkReason(run: Run, lifecycle: AgentLifecycle | undefined): RunError | undefined {
  const agentName = run.agent?.name ?? '(unknown)';
  if (lifecycle?.state === 'SUSPENDED') {
    return {
      code: agentSuspendedCode,
      message: `Agent ${agentName} is SUSPENDED; the run waits before its next ${run.next.kind} step and resumes when the agent is enabled`,
    };
  }
  if (lifecycle?.state === 'PRIVATE' && !isAgentCreator(lifecycle.creator, run.userId)) {
    return {
      code: agentPrivateCode,
      message: `Agent ${agentName} is PRIVATE, runnable by its creator only; the run waits before its next ${run.next.kind} step and resumes if the agent is ENABLED again`,
    };
  }
  return undefined;
}

/**
 * Whether a parked run may resume: the same rule as starting a run — ENABLED resumes every run,
 * PRIVATE only its creator's. Any other state (DISABLED, SUSPENDED, DEPLOYING, …) keeps the run
 * waiting until a later change enables the agent; disabling is no reason to resume what a suspend
 * stopped.
 */
export function lifecycleResumesRun(run: Run, lifecycle: AgentLifecycle | undefined): boolean {
  return lifecycle !== undefined && canStartRun(lifecycle.state, isAgentCreator(lifecycle.creator, run.userId));
}

/** The error of a parked run whose agent was deleted: it can never resume. */
export function agentDeletedError(agentName: string): RunError {
  return { code: 'AGENT_DELETED', message: `Agent ${agentName} was deleted while the run waited for it to be enabled` };
}

/** True for a run waiting because of its agent's lifecycle (not for other kinds of waiting). */
export function isParkedByLifecycle(run: Run): boolean {
  const code = run.waitingReason?.code;
  return run.state === 'WAITING' && (code === agentSuspendedCode || code === agentPrivateCode);
}

/**
 * The run parked: WAITING with its cursor kept and the reason visible on the run. Each park
 * counts, so the resume step of this park gets an id no earlier park used.
 */
export function parkRun(run: Run, now: number, reason: RunError): Run {
  return { ...run, state: 'WAITING', waitingReason: reason, parkCount: (run.parkCount ?? 0) + 1, updateTime: now };
}

/** The parked run taken out of WAITING, ready for the next steps to be decided. */
export function unparkRun(run: Run, now: number): Run {
  const { waitingReason: _reason, ...rest } = run;
  return { ...rest, state: 'RUNNING', updateTime: now };
}

/**
 * The plan step that resumes a parked run. Deterministic per park (turn and park count), so a
 * repeated resume names the same step, and a later park — a resume step that found the agent
 * not runnable parks again — gets a new one.
 */
export function resumeStepIdOf(run: Run): string {
  return stepIdOf(run.turn, 'plan', run.parkCount ?? 0);
}
