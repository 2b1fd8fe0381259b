import { createStepExecutor } from '../engine/step-executor.ts';
import { anyStepKind } from '../engine/step-kind.ts';
import { settleDelivery, type DeliveryHandler } from '../engine/settle-delivery.ts';
import type { Deps } from '../engine/deps.ts';
import type { AnyStepKind } from '../engine/step-kind.ts';
import { createAgentLifecycleHandler } from '../steps/handle-agent-lifecycle.ts';
import { createDeadLetterHandler } from '../steps/handle-dead-letter.ts';
import { createRunControlHandler } from '../steps/handle-run-control.ts';
import { createSubmissionHandler } from '../steps/handle-submission.ts';
import { createSweepHandler } from '../steps/handle-sweep.ts';
import { createMemoryStep } from '../steps/memory-step.ts';
import { createModelStep } from '../steps/model-step.ts';
import { planStep } from '../steps/plan-step.ts';
import { createToolStep } from '../steps/tool-step.ts';

/** The function names, as the topology's push subscriptions name them. */
export const functionNames = [
  'submitRun',
  'submitTrustedRun',
  'planStep',
  'modelStep',
  'toolStep',
  'memoryStep',
  'deadLetter',
  'resumeAgentRuns',
  'controlRun',
  'sweep',
] as const;
export type FunctionName = (typeof functionNames)[number];

/**
 * Every Pub/Sub-triggered handler, each wrapped in the edge that settles its delivery. The four
 * step functions are one step executor with every step kind registered: each is deployed on its
 * own topic, and any of them could run any kind.
 */
export function createStepHandlers(deps: Deps): Record<FunctionName, DeliveryHandler> {
  const settle = (handler: DeliveryHandler) => settleDelivery(handler, deps);
  const executeStep = settle(createStepExecutor(deps, createStepKinds(deps)));
  return {
    submitRun: settle(createSubmissionHandler(deps, 'token')),
    submitTrustedRun: settle(createSubmissionHandler(deps, 'publisher')),
    planStep: executeStep,
    modelStep: executeStep,
    toolStep: executeStep,
    memoryStep: executeStep,
    deadLetter: settle(createDeadLetterHandler(deps)),
    resumeAgentRuns: settle(createAgentLifecycleHandler(deps)),
    controlRun: settle(createRunControlHandler(deps)),
    sweep: settle(createSweepHandler(deps)),
  };
}

/** Every step kind the step functions run, each with its effect (if any) and its decision. */
export function createStepKinds(deps: Deps): AnyStepKind[] {
  return [anyStepKind(planStep), anyStepKind(createModelStep(deps)), anyStepKind(createToolStep(deps)), anyStepKind(createMemoryStep(deps))];
}
