import { createAgentLifecycleHandler } from '../steps/handle-agent-lifecycle.ts';
import { createDeadLetterHandler } from '../steps/handle-dead-letter.ts';
import { createMemoryStepHandler } from '../steps/handle-memory-step.ts';
import { createModelStepHandler } from '../steps/handle-model-step.ts';
import { createPlanStepHandler } from '../steps/handle-plan-step.ts';
import { createSubmissionHandler } from '../steps/handle-submission.ts';
import { createToolStepHandler } from '../steps/handle-tool-step.ts';
import { settleDelivery, type DeliveryHandler } from '../steps/settle-delivery.ts';
import type { Deps } from '../steps/step-deps.ts';

/** The function names, as the topology's push subscriptions name them. */
export const functionNames = [
  'submitRun',
  'planStep',
  'modelStep',
  'toolStep',
  'memoryStep',
  'deadLetter',
  'resumeAgentRuns',
] as const;
export type FunctionName = (typeof functionNames)[number];

/** Every Pub/Sub-triggered handler, each wrapped in the edge that settles its delivery. */
export function createStepHandlers(deps: Deps): Record<FunctionName, DeliveryHandler> {
  const settle = (handler: DeliveryHandler) => settleDelivery(handler, deps);
  return {
    submitRun: settle(createSubmissionHandler(deps)),
    planStep: settle(createPlanStepHandler(deps)),
    modelStep: settle(createModelStepHandler(deps)),
    toolStep: settle(createToolStepHandler(deps)),
    memoryStep: settle(createMemoryStepHandler(deps)),
    deadLetter: settle(createDeadLetterHandler(deps)),
    resumeAgentRuns: settle(createAgentLifecycleHandler(deps)),
  };
}
