import { decideNextSteps } from '../domain/decide-next-steps.ts';
import type { StepKindDefinition } from '../engine/step-kind.ts';

/**
 * The orchestrator step: at run start and on resume it turns the checkpoint into the next
 * steps, obeying the agent's lifecycle as it is now (a parked run's resume plan step un-parks it
 * only if the agent still allows it to run, else parks it again). A pure decision: it has no
 * effect outside its commit, so it needs no lease.
 */
export const planStep: StepKindDefinition<undefined> = {
  kind: 'plan',
  async decide({ run, now, lifecycle }) {
    return { state: 'SUCCEEDED', transition: decideNextSteps(run, now, await lifecycle()) };
  },
};
